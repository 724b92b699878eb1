"""What an edit did to the law: labels read from the norms of two versions of a provision, and the reach of a
bearer that the labels and the safeguards engine share."""

from __future__ import annotations

import pytest

from drafting.compare.redline import compare
from drafting.importers import import_text
from drafting.norms.changes import norm_changes
from drafting.norms.reach import ALL, ONE, PART, bearer_reach, reach

BAN = "No public agency shall acquire, possess or use a face surveillance system."


@pytest.mark.parametrize(("old", "new", "label"), [
    (BAN, BAN.replace("shall", "should"), "modal-weakened"),
    (BAN, "It is the policy of the city that public agencies not acquire, possess or use a face surveillance system.",
     "modal-weakened"),
    ("Each agency may publish an annual report.", "Each agency shall publish an annual report.", "modal-strengthened"),
    (BAN, BAN.replace("acquire, possess or use", "use"), "action-removed"),
    (BAN.replace("acquire, possess or use", "use"), BAN, "action-added"),
    (BAN, BAN.replace("No public agency", "No police department"), "bearer-narrowed"),
    (BAN.replace("No public agency", "No police department"), BAN, "bearer-widened"),
    ("The agency shall delete the data within 30 days after the violation.",
     "The agency shall delete the data within 90 days after the violation.", "deadline-lengthened"),
    ("The agency shall delete the data not later than 10 business days after the violation.",
     "The agency shall delete the data within 7 days after the violation.", "deadline-shortened"),
    ("The agency shall delete the data within 30 days after the violation.",
     "The agency shall delete the data as soon as practicable after the violation.", "deadline-removed"),
    (BAN, BAN[:-1] + ", except in exigent circumstances.", "exception-added"),
    (BAN[:-1] + ", except in exigent circumstances.", BAN, "exception-removed"),
    ("Any person may bring a civil action in the superior court.",
     "Any person who has been arrested or charged may bring a civil action in the superior court.",
     "right-of-action-limited"),
    ("Any person may bring a civil action in the superior court.",
     "Nothing in this act gives any person a right to bring a civil action.", "right-of-action-limited"),
])
def test_an_edit_is_labelled_by_what_it_did_to_the_norm(old, new, label):
    assert label in norm_changes(old, new)


@pytest.mark.parametrize("text", [
    BAN, "Any person may bring a civil action in the superior court.",
    "The agency shall delete the data within 30 days after the violation.",
])
def test_an_unchanged_norm_and_a_reworded_one_get_no_label(text):
    assert norm_changes(text, text) == ()
    reworded = text.replace("superior court", "trial court").replace("the data", "such data")
    assert norm_changes(text, reworded) == ()


def test_a_defined_bearer_narrows_when_its_definition_narrows():
    old = {"public body": "every agency, department, board and commission of the state or of a political subdivision"}
    new = {"public body": "the department of state police"}
    assert bearer_reach("no public body", old) == (ALL, "public body")
    assert bearer_reach("no public body", new) == (ONE, "public body")


@pytest.mark.parametrize(("words", "expected"), [
    ("any department, office, board, commission, authority, court, law enforcement agency or other instrumentality "
     "of the commonwealth or of any political subdivision", ALL),
    ("the State and every agency, department and office of the State, including every police department", ALL),
    ("no law enforcement agency", PART),
    ("every state agency", PART),
    ("the Corliss Landing Police Department, including its sworn officers", ONE),
    ("the Millbrook Police Department and its sworn officers and civilian employees", ONE),
    ("the Ridgewater Police Department, the Office of the City Marshal and the Harbor Patrol Unit", PART),
    ("the department of state police, every sheriff's office and any other agency of a political subdivision whose "
     "principal function is the enforcement of criminal law", PART),
    ("the attorney general", None),
])
def test_the_reach_of_a_bearer(words, expected):
    assert reach(words) == expected


def test_the_redline_labels_a_weakened_and_narrowed_ban_from_its_norms():
    old = import_text("SECTION 1. Ban.\nNo public agency shall acquire, possess or use a face surveillance system.\n")
    new = import_text("SECTION 1. Ban.\nNo police department should use a face surveillance system.\n")
    labels = compare(old.root, new.root).alignment[0].labels
    assert {"modal-weakened", "bearer-narrowed", "action-removed"} <= set(labels)

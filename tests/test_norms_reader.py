"""The norm reader: provisions read as norm records (kind, bearer, acts, object, time, polarity, exceptions ...),
one per operative clause, inside quoted structures too; its time grammar; and the ways to show its reading (the
`drafting norms` command and GET /api/documents/{id}/norms).

Every text here is written for the test and imported with the project's importer.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from lxml import etree

from drafting.akn.namespaces import akn
from drafting.cli import main
from drafting.importers.text import import_text
from drafting.norms import norm_line, parse_time, read_clause, read_norms
from drafting.norms.records import KINDS
from tests.app_fixtures import shared_path

AKN = "application/akn+xml"


def norms_of(text: str):
    return read_norms(import_text(text).root)


def first_norm(body: str):
    """The first norm of a one-section document whose section says `body`."""
    found = norms_of(f"SECTION 1. Rule.\n{body}\n")
    assert found, body
    return found[0]


# -- constructions: a contrast table -------------------------------------------------------------------------------
#
# (what the case shows, the words of the section, what the first norm must be). Only the keys given are checked:
# kind, bearer, actions (in order), negated, construction, object, passive, time (a subset of Time.as_dict()),
# qualifiers (a subset of (kind, words)), exceptions (the provisions named), conditions (words one of them holds).

CASES = [
    # prohibitions
    ("no X shall", "No public agency or public official shall acquire, possess, access or use any biometric "
     "surveillance system.",
     {"kind": "prohibition", "bearer": "no public agency or public official", "negated": True,
      "actions": ("acquire", "possess", "access", "use"), "object": "any biometric surveillance system",
      "construction": "no-x-shall"}),
    ("X shall not", "A public agency shall not use any face recognition system.",
     {"kind": "prohibition", "bearer": "a public agency", "actions": ("use",), "construction": "x-shall-not"}),
    ("neither X nor Y shall", "Neither the city nor any city official shall obtain or retain face surveillance data.",
     {"kind": "prohibition", "bearer": "neither the city nor any city official", "actions": ("acquire", "retain"),
      "construction": "neither-x-nor-y-shall", "negated": True}),
    ("X is prohibited from", "The department is prohibited from acquiring or using any face recognition system.",
     {"kind": "prohibition", "bearer": "the department", "actions": ("acquire", "use"),
      "construction": "x-is-prohibited-from"}),
    ("it is unlawful for X to", "It is unlawful for any public official to access or request biometric data.",
     {"kind": "prohibition", "bearer": "any public official", "actions": ("access", "request"),
      "construction": "it-is-unlawful-for-x", "negated": True}),
    ("it shall be unlawful for X to", "It shall be unlawful for any agency to purchase a biometric surveillance "
     "system.", {"kind": "prohibition", "bearer": "any agency", "actions": ("acquire",)}),
    ("X may not", "A law enforcement agency may not deploy a face surveillance system.",
     {"kind": "prohibition", "construction": "x-may-not", "actions": ("use",), "qualifiers": set()}),
    ("X must not", "The agency must not share biometric data with a third party.",
     {"kind": "prohibition", "construction": "x-must-not", "actions": ("disclose",)}),
    ("X shall never", "The agency shall never sell biometric data.",
     {"kind": "prohibition", "construction": "x-shall-never", "actions": ("disclose",)}),
    ("contracts", "No agency shall enter into, renew or extend any contract for a biometric surveillance system.",
     {"kind": "prohibition", "actions": ("contract",), "object": "any contract for a biometric surveillance system"}),
    ("funds", "No agency shall accept or expend any grant for face surveillance.",
     {"kind": "prohibition", "actions": ("receive", "fund")}),
    ("retaliation", "No public body shall discharge, demote or otherwise retaliate against an employee who reports "
     "a violation.", {"kind": "prohibition", "actions": ("retaliate",)}),
    ("evidence, passive", "Biometric data obtained in violation of this act shall not be admitted as evidence in "
     "any proceeding.",
     {"kind": "prohibition", "passive": True, "actions": ("admit-as-evidence",),
      "bearer": "biometric data obtained in violation of this act"}),
    ("evidence, offered", "The commonwealth shall not offer such data as evidence in its case in chief.",
     {"kind": "prohibition", "actions": ("admit-as-evidence",), "qualifiers": {("class", "case in chief")}}),
    ("offer without evidence is no act of evidence", "The agency shall not offer a contract to a vendor.",
     {"kind": "prohibition", "actions": ()}),
    ("except before the subject", "Except as provided in section 4, no agency shall use a face surveillance system.",
     {"kind": "prohibition", "bearer": "no agency", "exceptions": ("4",), "actions": ("use",)}),
    ("unless", "No agency shall use a face surveillance system unless a warrant has been issued.",
     {"kind": "prohibition", "exceptions": (), "exception_markers": ("unless",)}),
    ("a proviso stays in its clause", "No agency shall use a face surveillance system, provided that face detection "
     "may be used to redact faces.",
     {"kind": "prohibition", "exception_markers": ("provided that",), "actions": ("use",)}),
    ("knowingly", "No public body shall knowingly permit a third party to conduct face surveillance.",
     {"kind": "prohibition", "actions": ("authorize",), "qualifiers": {("mental-state", "knowingly")}}),
    # recommendations
    ("X should not", "A public agency should not use a face recognition system.",
     {"kind": "recommendation", "negated": True, "construction": "x-should-not", "actions": ("use",)}),
    ("no X should", "No agency should acquire a biometric surveillance system.",
     {"kind": "recommendation", "negated": True, "construction": "no-x-should", "bearer": "no agency"}),
    ("policy that no X", "It is the policy of the commonwealth that no public agency use face surveillance.",
     {"kind": "recommendation", "negated": True, "construction": "policy-that-x-not", "bearer": "no public agency",
      "actions": ("use",)}),
    ("policy that X not", "It is the policy of the city that agencies not acquire face recognition systems.",
     {"kind": "recommendation", "negated": True, "bearer": "agencies", "actions": ("acquire",)}),
    ("policy that X", "It is the policy of the city that agencies publish their surveillance policies.",
     {"kind": "recommendation", "negated": False, "construction": "policy-that-x", "actions": ("publish",)}),
    ("shall endeavor", "The department shall endeavor to delete biometric data within 30 days.",
     {"kind": "recommendation", "construction": "shall-endeavor", "actions": ("delete",),
      "time": {"kind": "deadline", "amount": 30, "unit": "day"}}),
    ("is encouraged to", "The agency is encouraged to publish an annual report.",
     {"kind": "recommendation", "construction": "x-is-encouraged-to", "actions": ("publish",)}),
    ("should", "The department should publish its policy.",
     {"kind": "recommendation", "negated": False, "construction": "x-should"}),
    ("should, to the extent practicable", "Any statute should, to the extent practicable, require notice.",
     {"kind": "recommendation", "qualifiers": {("practicability", "to the extent practicable")}}),
    # permissions
    ("X need not", "The agency need not retain the records.",
     {"kind": "permission", "negated": True, "construction": "x-need-not", "actions": ("retain",)}),
    ("X may", "The chief may authorize the use of face detection.",
     {"kind": "permission", "construction": "x-may", "actions": ("authorize",),
      "qualifiers": {("discretion", "may")}}),
    ("X is authorized to", "The commission is authorized to hold public hearings.",
     {"kind": "permission", "construction": "x-is-authorized-to", "actions": ()}),
    ("in its discretion", "The board may, in its discretion, review any use policy.",
     {"kind": "permission", "qualifiers": {("discretion", "in its discretion"), ("discretion", "may")}}),
    ("solely", "The agency may use face detection solely to redact faces.",
     {"kind": "permission", "actions": ("use",), "qualifiers": {("limiting", "solely")}}),
    ("hold a hearing is not to possess", "The agency may hold public hearings each year.",
     {"kind": "permission", "actions": (), "time": {"kind": "periodic", "period": "year"}}),
    # obligations and reporting duties
    ("X shall, with a deadline", "Each public agency shall delete biometric data not later than 30 days after the "
     "violation becomes known.",
     {"kind": "obligation", "construction": "x-shall", "actions": ("delete",), "object": "biometric data",
      "time": {"kind": "deadline", "relation": "not later than", "amount": 30,
               "anchor": "the violation becomes known"}}),
    ("X is required to", "The agency is required to retain the log for 3 years.",
     {"kind": "obligation", "construction": "x-is-required-to", "actions": ("retain",)}),
    ("a duty with no listed act", "Members shall serve without compensation.",
     {"kind": "obligation", "actions": (), "bearer": "members"}),
    ("award is no contract", "The court shall award reasonable attorney's fees to a prevailing plaintiff.",
     {"kind": "obligation", "actions": ()}),
    ("periodic report", "Not later than March 1 of each year, each public agency shall prepare a written report.",
     {"kind": "reporting-duty", "bearer": "each public agency",
      "time": {"kind": "periodic", "date": "--03-01", "period": "year"}}),
    ("publish within", "The clerk shall publish each report on the city website within 10 days after it is "
     "delivered.",
     {"kind": "reporting-duty", "actions": ("publish",), "object": "each report on the city website",
      "time": {"kind": "deadline", "amount": 10}}),
    ("report a determination", "The chief shall report each determination to the council within 30 days.",
     {"kind": "reporting-duty", "actions": ("report",)}),
    ("reviewing a report is no report", "The board shall review each annual report.",
     {"kind": "obligation", "actions": ()}),
    ("May is a month", "The agency shall file the report by May 1, 2028.",
     {"kind": "reporting-duty", "modal": "shall", "time": {"kind": "deadline", "date": "2028-05-01"}}),
    # exceptions
    ("section N shall not prohibit", "Section 2 shall not prohibit the use of face detection software to redact "
     "faces.",
     {"kind": "exception", "bearer": "section 2", "construction": "x-shall-not-prohibit", "actions": ("use",),
      "references": ("2",)}),
    ("nothing shall prohibit", "Nothing in this section shall prohibit the use of a biometric feature to unlock a "
     "personal device.", {"kind": "exception", "construction": "nothing-shall-prohibit", "actions": ("use",)}),
    ("nothing shall be construed to prohibit", "Nothing in this act shall be construed to prohibit the use of face "
     "detection.", {"kind": "exception", "construction": "nothing-shall-prohibit"}),
    ("does not apply", "Subsection (a) does not apply when the chief determines that exigent circumstances exist.",
     {"kind": "exception", "construction": "x-does-not-apply", "references": ("1(a)",),
      "conditions": "when the chief determines"}),
    ("does not forbid", "This chapter does not forbid city personnel from using software that blurs faces.",
     {"kind": "exception", "construction": "x-does-not-prohibit", "actions": ("use",)}),
    # safe harbours
    ("shall not be in violation if", "A public body that did not request biometric data, and that inadvertently "
     "receives it, shall not be in violation of this act if the data is deleted within 5 business days.",
     {"kind": "safe-harbour", "bearer": "a public body", "actions": ("receive",),
      "conditions": "that did not request biometric data",
      "time": {"kind": "deadline", "amount": 5, "business_days": True}}),
    ("does not violate", "The city does not violate this chapter by receiving information that it did not request.",
     {"kind": "safe-harbour", "construction": "x-does-not-violate", "actions": ("receive",)}),
    ("is exempt", "A public agency is exempt from section 2 when it uses face detection to redact a record.",
     {"kind": "safe-harbour", "construction": "x-is-exempt"}),
    # rights of action
    ("may bring a civil action", "Any person injured by a violation of this act may bring a civil action in the "
     "superior court.",
     {"kind": "right-of-action", "construction": "x-may-sue", "actions": ("sue",),
      "bearer": "any person injured by a violation of this act"}),
    ("an official sues: enforcement", "The attorney general may bring a civil action to enforce this act.",
     {"kind": "permission", "construction": "enforcement-by-official", "actions": ("sue",),
      "bearer": "the attorney general"}),
    ("nothing gives a right", "Nothing in this act gives any person a right to bring a civil action.",
     {"kind": "right-of-action", "negated": True, "construction": "no-right-of-action", "bearer": "any person"}),
    ("does not create a right", "This act does not create a private right of action.",
     {"kind": "right-of-action", "negated": True, "construction": "no-right-of-action"}),
    ("may sue", "Any aggrieved person may sue the city for injunctive relief.",
     {"kind": "right-of-action", "actions": ("sue",)}),
    ("may seek any remedy", "An employee who is harmed may seek any remedy available under the whistleblower law.",
     {"kind": "right-of-action", "actions": ("sue",), "bearer": "an employee"}),
    ("arrested or charged", "Any person who was arrested or charged on the basis of face surveillance may bring a "
     "civil action.",
     {"kind": "right-of-action", "qualifiers": {("class", "arrested"), ("class", "charged")}}),
    # penalties
    ("subject to disciplinary action", "A public official who violates this act shall be subject to disciplinary "
     "action.",
     {"kind": "penalty", "actions": ("discipline",), "conditions": "who violates this act",
      "bearer": "a public official"}),
    ("may be subject to discipline", "City personnel who violate this chapter may be subject to retraining, "
     "suspension or termination.",
     {"kind": "penalty", "actions": ("discipline",), "qualifiers": {("discretion", "may")}}),
    ("civil penalty", "A public official who knowingly violates this act shall be liable for a civil penalty of not "
     "more than $5,000.",
     {"kind": "penalty", "actions": ("fine",), "qualifiers": {("mental-state", "knowingly")}}),
    ("void", "Any contract made in violation of this section shall be void.",
     {"kind": "penalty", "construction": "nullity"}),
    # sunsets and lifting conditions
    ("until a date", "The prohibitions of section 2 shall remain in effect until December 31, 2028.",
     {"kind": "sunset-or-lifting-condition", "time": {"kind": "sunset", "date": "2028-12-31"},
      "references": ("2",)}),
    ("until the earlier of", "This section shall remain in effect until the earlier of December 31, 2027, or the "
     "effective date of an ordinance that authorizes a use.",
     {"kind": "sunset-or-lifting-condition",
      "time": {"kind": "sunset", "date": "2027-12-31", "relation": "until the earlier of"}}),
    ("unless and until", "The prohibitions in this section shall stay in force unless and until the council adopts "
     "an ordinance.",
     {"kind": "sunset-or-lifting-condition",
      "time": {"kind": "sunset", "relation": "unless and until", "anchor": "the council adopts an ordinance"},
      "exceptions": ()}),
    ("expires", "This section shall expire on June 30, 2027.",
     {"kind": "sunset-or-lifting-condition", "construction": "x-expires", "time": {"date": "2027-06-30"}}),
    # definitions
    ("a quoted definition", '"Face surveillance" means an automated process that identifies a person by the face.',
     {"kind": "definition", "bearer": "face surveillance",
      "object": "an automated process that identifies a person by the face"}),
    # times in norms
    ("immediately", "The agency shall destroy the data immediately.",
     {"kind": "obligation", "time": {"kind": "immediate"}}),
    ("promptly", "The agency shall promptly notify the council.",
     {"kind": "reporting-duty", "time": {"kind": "vague", "words": "promptly"}}),
    ("annually", "The agency shall publish the list annually.",
     {"time": {"kind": "periodic", "period": "year"}}),
    ("before the thirtieth day", "The board shall act before the thirtieth day after the hearing.",
     {"time": {"kind": "deadline", "amount": 30, "unit": "day", "anchor": "the hearing"}}),
    ("within a reasonable time", "The agency shall respond within a reasonable time.",
     {"time": {"kind": "vague"}}),
    ("forthwith", "The agency shall report forthwith.", {"kind": "reporting-duty", "time": {"kind": "vague"}}),
    # not norms, or not the norm the words suggest
    ("a finding", "The council finds that face surveillance threatens civil liberties.",
     {"kind": "none", "construction": "no-deontic-words", "negated": False}),
    ("commencement", "This act shall take effect on January 1, 2027.",
     {"kind": "none", "construction": "commencement", "time": {"kind": "date", "date": "2027-01-01"}}),
    ("short title", "This act may be cited as the Face Surveillance Act.",
     {"kind": "none", "construction": "short-title", "qualifiers": set()}),
    ("should as a condition", "Should any provision of this act be held invalid, the remaining provisions shall "
     "remain in force.", {"kind": "none", "construction": "continuation"}),
    ("savings clause", "Nothing in this act shall be construed to preempt any local ordinance.",
     {"kind": "none", "construction": "savings-clause"}),
    ("establishment", "There is hereby established a surveillance oversight board.",
     {"kind": "none", "construction": "establishment"}),
    ("an injury", "A violation of this act constitutes an injury to the person.", {"kind": "none"}),
]

_NORM_KEYS = ("kind", "bearer", "negated", "construction", "object", "passive", "modal", "references")


@pytest.mark.parametrize(("construction", "body", "expected"), CASES, ids=[case[0] for case in CASES])
def test_each_construction_reads_as_its_norm(construction, body, expected):
    norm = first_norm(body)
    for key in _NORM_KEYS:
        if key in expected:
            assert getattr(norm, key) == expected[key], (key, norm)
    if "actions" in expected:
        assert norm.actions == expected["actions"], norm
    if "time" in expected:
        assert norm.time is not None, norm
        found = norm.time.as_dict()
        assert {key: found[key] for key in expected["time"]} == expected["time"], norm.time
    if "qualifiers" in expected:
        found = {(q.kind, q.words) for q in norm.qualifiers}
        assert expected["qualifiers"] <= found if expected["qualifiers"] else not (found & {("discretion", "may")})
    if "exceptions" in expected:
        assert tuple(ref for item in norm.exceptions for ref in item.references) == expected["exceptions"], norm
    if "exception_markers" in expected:
        assert tuple(item.marker for item in norm.exceptions) == expected["exception_markers"], norm
    if "conditions" in expected:
        assert any(expected["conditions"] in condition.lower() for condition in norm.conditions), norm.conditions
    assert norm.kind in KINDS


def test_the_contrast_table_covers_every_kind_and_more_than_sixty_cases():
    assert len(CASES) >= 60
    kinds = {expected["kind"] for _, _, expected in CASES if "kind" in expected}
    assert kinds == set(KINDS)


# -- lead-ins, items and wrap-ups ----------------------------------------------------------------------------------

BAN = """SECTION 2. Moratorium.
(a) Except as provided in section 4(a)(1) or (2), no public agency or public official shall:
(1) acquire, possess, access or use any biometric surveillance system; or
(2) request a third party to use a biometric surveillance system on its behalf.
(b) The attorney general may bring a civil action to enforce this section.
"""


def test_a_lead_in_and_each_item_are_one_norm():
    first, second, third = norms_of(BAN)
    assert (first.citation, second.citation) == ("2(a)(1)", "2(a)(2)")
    assert first.lead_in == second.lead_in == "sec_2__subsec_a"
    assert first.kind == second.kind == "prohibition"
    assert first.bearer == second.bearer == "no public agency or public official"
    assert first.actions == ("acquire", "possess", "access", "use")
    assert second.actions == ("request",)
    assert [ref for item in first.exceptions for ref in item.references] == ["4(a)(1)", "4(a)(2)"]
    assert first.text.startswith("Except as provided in section 4(a)(1) or (2), no public agency")
    assert third.construction == "enforcement-by-official" and third.lead_in is None


def test_one_line_per_norm_names_citation_kind_bearer_acts_object_and_exceptions():
    text = ("SECTION 2. Ban.\n(a) Except as provided in section 4(a)(1) or (2), no public agency or public official "
            "shall acquire, possess, access or use any biometric surveillance system.\n")
    (norm,) = norms_of(text)
    assert norm_line(norm) == ("2(a) prohibition · no public agency or public official · acquire, possess, access, "
                               "use · any biometric surveillance system · except 4(a)(1)-(2)")


def test_nested_lead_ins_compose_down_to_each_item():
    text = """SECTION 3. Prohibition.
(A) Neither the city nor any city personnel shall:
(1) acquire, keep or use:
(a) any face recognition system; or
(b) any face recognition information; or
(2) ask any outside party to perform face recognition for the city.
"""
    found = norms_of(text)
    assert [n.citation for n in found] == ["3(A)(1)(a)", "3(A)(1)(b)", "3(A)(2)"]
    assert all(n.kind == "prohibition" and n.bearer == "neither the city nor any city personnel" for n in found)
    assert found[0].actions == ("acquire", "retain", "use") and found[0].object == "any face recognition system"
    assert found[2].actions == ("request",)


def test_a_lead_in_that_stands_for_its_items_takes_each_item_in_its_place():
    text = """SECTION 3. Council approval.
(a) No city entity shall take any of the following actions unless the council has first approved it:
(1) seek or accept any grant for surveillance technology;
(2) use surveillance technology for a new purpose.
"""
    first, second = norms_of(text)
    assert first.kind == second.kind == "prohibition"
    assert first.actions == ("acquire", "receive") and second.actions == ("use",)
    assert [item.marker for item in first.exceptions] == ["unless"]


def test_items_that_are_conditions_each_complete_the_safe_harbour():
    text = """SECTION 5. Inadvertent receipt.
(a) A public body that did not request biometric data shall not be in violation of section 2 if, and only if:
(1) the data is not used for any purpose; and
(2) the data is deleted not later than 5 business days after its receipt.
"""
    first, second = norms_of(text)
    assert first.kind == second.kind == "safe-harbour"
    assert any("the data is not used" in condition for condition in first.conditions)
    assert second.time.business_days and second.time.amount == 5
    assert not any(q.words == "only" for q in first.qualifiers)  # "if, and only if" is a condition, not a limit


def test_a_lead_in_clause_read_once_not_once_per_item():
    text = """SECTION 9. Remedies.
(b) The court may grant declaratory relief, and shall award a prevailing plaintiff:
(1) actual damages; and
(2) reasonable attorney's fees.
"""
    found = norms_of(text)
    assert [(n.citation, n.kind) for n in found] == [("9(b)", "permission"), ("9(b)(1)", "obligation"),
                                                      ("9(b)(2)", "obligation")]
    assert all(n.bearer == "the court" for n in found)


def test_a_wrap_up_that_continues_the_sentence_applies_to_every_item():
    root = import_text(BAN).root
    lead = next(e for e in root.iter(akn("subsection")) if e.get("eId") == "sec_2__subsec_a")
    wrap = etree.SubElement(lead, akn("wrapUp"))
    etree.SubElement(wrap, akn("p")).text = "except in an emergency declared by the governor."
    first, second, _ = read_norms(root)
    for norm in (first, second):
        assert [item.marker for item in norm.exceptions][-1] == "except"
        assert norm.exceptions[-1].words.startswith("except in an emergency")


def test_a_wrap_up_that_is_a_sentence_is_a_norm_of_its_own():
    root = import_text(BAN).root
    lead = next(e for e in root.iter(akn("subsection")) if e.get("eId") == "sec_2__subsec_a")
    etree.SubElement(etree.SubElement(lead, akn("wrapUp")), akn("p")).text = "Each agency shall report annually."
    found = read_norms(root)
    assert [n.kind for n in found] == ["prohibition", "prohibition", "reporting-duty", "permission"]
    assert found[2].citation == "2(a)" and found[2].time.kind == "periodic"


def test_a_new_subject_and_modal_start_a_new_norm():
    found = norms_of("SECTION 2. Ban.\nNo public body shall acquire any system, and no public official shall "
                     "receive the results of face surveillance.\n")
    assert [(n.bearer, n.actions) for n in found] == [("no public body", ("acquire",)),
                                                      ("no public official", ("receive",))]


def test_a_class_named_in_the_sentence_before_carries_to_any_such_person():
    found = norms_of("SECTION 9. Civil action.\nA violation of this act constitutes an injury to any person who was "
                     "arrested or charged on the basis of face surveillance. Any such person may bring a civil action."
                     "\n")
    assert found[1].kind == "right-of-action"
    assert {("class", "arrested"), ("class", "charged")} <= {(q.kind, q.words) for q in found[1].qualifiers}


def test_definitions_with_items_are_one_definition():
    text = """SECTION 1. Definitions.
In this act:
(a) "Biometric surveillance system", any software that performs surveillance based on:
(i) the face; or
(ii) the gait.
(b) "Agency", any department of the city.
"""
    found = norms_of(text)
    assert [(n.citation, n.kind, n.bearer) for n in found] == [
        ("1(a)", "definition", "biometric surveillance system"), ("1(b)", "definition", "agency")]
    assert "the gait" in found[0].object


# -- amending bills: the quoted structure is read as the law it would become --------------------------------------

AMENDING = "\n\n".join([
    "An Act establishing a moratorium on face surveillance",
    "SECTION 1. Chapter 6 of the General Laws is hereby amended by inserting after section 219 the following "
    "section:-",
    "Section 220. (a) As used in this section, the following words shall have the following meanings:-",
    '"Biometric surveillance system", any computer software that performs face recognition.',
    "(b) No public agency shall acquire, possess, access or use any biometric surveillance system, except as "
    "provided in subsection (c).",
    "(c) Subsection (b) shall not prohibit the use of face detection to redact records.",
    "SECTION 2. This act shall take effect upon its passage.",
]) + "\n"


def test_a_moratorium_inside_a_quoted_structure_is_read():
    found = norms_of(AMENDING)
    instruction = found[0]
    assert instruction.kind == "none" and instruction.construction == "amending-instruction"
    assert not instruction.quoted
    ban = next(n for n in found if n.kind == "prohibition")
    assert ban.quoted and ban.citation == "220(b)" and ban.eId == "sec_1__sec_220__subsec_b"
    assert ban.bearer == "no public agency" and ban.actions == ("acquire", "possess", "access", "use")
    assert [ref for item in ban.exceptions for ref in item.references] == ["220(c)"]
    exception = next(n for n in found if n.kind == "exception")
    assert exception.quoted and exception.references == ("220(b)",)
    definition = next(n for n in found if n.kind == "definition")
    assert definition.bearer == "biometric surveillance system" and definition.quoted
    assert found[-1].construction == "commencement" and not found[-1].quoted


# -- times ---------------------------------------------------------------------------------------------------------

TIMES = [
    ("within 30 days", {"kind": "deadline", "relation": "within", "amount": 30, "unit": "day"}),
    ("within thirty (30) days after the request", {"kind": "deadline", "amount": 30, "anchor": "the request"}),
    ("not later than 5 business days after its receipt",
     {"kind": "deadline", "relation": "not later than", "amount": 5, "business_days": True,
      "anchor": "its receipt"}),
    ("no later than ten days", {"kind": "deadline", "relation": "no later than", "amount": 10}),
    ("within 5 working days", {"kind": "deadline", "business_days": True}),
    ("within one hundred and eighty days", {"amount": 180, "unit": "day"}),
    ("within twenty-one days", {"amount": 21}),
    ("within a year", {"amount": 1, "unit": "year"}),
    ("before the thirtieth day after the hearing", {"kind": "deadline", "amount": 30, "anchor": "the hearing"}),
    ("before the 30th day", {"kind": "deadline", "amount": 30}),
    ("by January 1, 2028", {"kind": "deadline", "relation": "by", "date": "2028-01-01"}),
    ("on 31 December 2028", {"kind": "date", "date": "2028-12-31"}),
    ("at least 60 days before the hearing", {"kind": "deadline", "relation": "at least … before", "amount": 60}),
    ("immediately", {"kind": "immediate"}),
    ("forthwith", {"kind": "vague"}),
    ("promptly", {"kind": "vague"}),
    ("as soon as practicable", {"kind": "vague"}),
    ("within a reasonable time", {"kind": "vague", "amount": None}),
    ("annually", {"kind": "periodic", "period": "year"}),
    ("each year", {"kind": "periodic", "period": "year"}),
    ("at least once a year", {"kind": "periodic", "period": "year"}),
    ("quarterly", {"kind": "periodic", "period": "quarter"}),
    ("every two years", {"kind": "periodic", "period": "year", "amount": 2}),
    ("not later than March 1 of each year",
     {"kind": "periodic", "relation": "not later than", "date": "--03-01", "period": "year"}),
    ("By March 31 of each year", {"kind": "periodic", "date": "--03-31"}),
    ("until December 31, 2028", {"kind": "sunset", "date": "2028-12-31"}),
    ("through December 31, 2028", {"kind": "sunset", "relation": "through", "date": "2028-12-31"}),
    ("until the earlier of (1) December 31, 2028, or (2) the effective date of a statute that authorizes it",
     {"kind": "sunset", "date": "2028-12-31",
      "alternatives": ["December 31, 2028", "the effective date of a statute that authorizes it"]}),
    ("unless and until the council adopts an ordinance",
     {"kind": "sunset", "relation": "unless and until", "anchor": "the council adopts an ordinance"}),
    ("until the general court, by a statute, expressly authorizes a use",
     {"kind": "sunset", "anchor": "the general court, by a statute, expressly authorizes a use"}),
    ("expire on June 30, 2027", {"kind": "sunset", "date": "2027-06-30"}),
    ("on the ninetieth day following its enactment",
     {"kind": "date", "amount": 90, "anchor": "its enactment"}),
    ("30 days after its passage", {"kind": "date", "relation": "after", "amount": 30, "anchor": "its passage"}),
]


@pytest.mark.parametrize(("words", "expected"), TIMES, ids=[words for words, _ in TIMES])
def test_each_time_parses_to_its_record(words, expected):
    time = parse_time(words)
    assert time is not None, words
    found = time.as_dict()
    assert {key: found[key] for key in expected} == expected


@pytest.mark.parametrize("words", ["before deployment", "each violation", "through face surveillance",
                                   "on the effective date", "may bring an action", "thirty days"])
def test_words_that_are_no_time_parse_to_none(words):
    assert parse_time(words) is None


def test_a_time_is_read_once_per_norm_and_the_first_one_counts():
    (norm,) = read_clause("Within 30 days after preparing its report, each public body shall publish it annually.")
    assert norm.time.kind == "deadline" and norm.time.words == "Within 30 days after preparing its report"


# -- the development set: every provision yields norms, some of them checked ---------------------------------------


def dev_norms(name: str):
    path = shared_path("eval", "gaps-dev", f"{name}.txt")
    return read_norms(import_text(path.read_text(encoding="utf-8")).root)


def by_citation(norms, citation: str):
    return [n for n in norms if n.citation == citation]


@pytest.mark.parametrize("name", ["strong-bill", "mutant-01", "mutant-04", "mutant-08", "mutant-14", "ordinance-a",
                                  "ordinance-b", "ordinance-c"])
def test_every_provision_with_words_of_the_development_set_yields_norms(name):
    path = shared_path("eval", "gaps-dev", f"{name}.txt")
    root = import_text(path.read_text(encoding="utf-8")).root
    norms = read_norms(root)
    read = {n.eId for n in norms} | {n.lead_in for n in norms}
    from drafting.akn import extract_provisions, iter_provisions

    for provision in iter_provisions(extract_provisions(root)):
        if provision.text and not provision.children:
            assert provision.eId in read, provision.citation
    assert all(n.kind in KINDS and json.dumps(n.as_dict()) for n in norms)


def test_the_strong_bill_reads_as_its_safeguards_say():
    norms = dev_norms("strong-bill")
    ban = by_citation(norms, "2(a)(1)")[0]
    assert (ban.kind, ban.bearer) == ("prohibition", "any public body or public official")
    assert ban.actions == ("acquire", "possess", "retain", "access", "use")
    assert [ref for item in ban.exceptions for ref in item.references] == ["4", "5"]
    assert by_citation(norms, "3(a)")[0].kind == "sunset-or-lifting-condition"
    assert [n.kind for n in by_citation(norms, "4(a)(1)")] == ["exception"]
    receipt = by_citation(norms, "5(a)(2)")[0]
    assert receipt.kind == "safe-harbour" and "receive" in receipt.actions
    assert (receipt.time.amount, receipt.time.business_days) == (5, True)
    evidence = by_citation(norms, "7")[0]
    assert evidence.kind == "prohibition" and "admit-as-evidence" in evidence.actions
    assert by_citation(norms, "9(a)")[1].kind == "right-of-action"
    assert by_citation(norms, "10(a)")[0].kind == "penalty"
    assert by_citation(norms, "11(a)(1)")[0].time.date == "--03-01"
    assert by_citation(norms, "12(a)")[0].actions == ("retaliate",)


def test_the_weakened_variants_read_weaker():
    should = by_citation(dev_norms("mutant-07"), "2(a)(1)")[0]
    assert (should.kind, should.negated) == ("recommendation", True)
    enforcement = by_citation(dev_norms("mutant-08"), "9(a)")[0]
    assert enforcement.construction == "enforcement-by-official"
    sunset = by_citation(dev_norms("mutant-04"), "3(a)")[0]
    assert sunset.kind == "sunset-or-lifting-condition" and sunset.time.date == "2028-12-31"
    evidence = by_citation(dev_norms("mutant-10"), "7")[0]
    assert ("class", "case-in-chief") in {(q.kind, q.words) for q in evidence.qualifiers}
    suit = by_citation(dev_norms("mutant-05"), "9(a)")[1]
    assert suit.kind == "right-of-action" and "arrested" in {q.words for q in suit.qualifiers}
    discipline = by_citation(dev_norms("mutant-14"), "9")[0]
    assert discipline.kind == "penalty" and ("discretion", "may") in {(q.kind, q.words) for q in discipline.qualifiers}


def test_the_ordinance_with_a_quoted_chapter_is_read_inside_it():
    norms = dev_norms("ordinance-a")
    quoted = [n for n in norms if n.quoted]
    assert any(n.kind == "prohibition" and n.bearer == "neither the city nor any city personnel" for n in quoted)
    assert any(n.kind == "sunset-or-lifting-condition" and n.time.relation == "unless and until" for n in quoted)
    assert any(n.kind == "safe-harbour" and n.actions == ("receive",) for n in quoted)


# -- the command line ----------------------------------------------------------------------------------------------


def test_norms_command_prints_one_line_per_norm(tmp_path):
    path = tmp_path / "ban.txt"
    path.write_text(BAN, encoding="utf-8")
    result = CliRunner().invoke(main, ["norms", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == ("2(a)(1) prohibition · no public agency or public official · acquire, possess, access, use · "
                        "any biometric surveillance system · except 4(a)(1)-(2)")
    assert lines[2].startswith("2(b) permission · the attorney general · sue")


def test_norms_command_prints_json(tmp_path):
    path = tmp_path / "ban.txt"
    path.write_text(BAN, encoding="utf-8")
    result = CliRunner().invoke(main, ["norms", "--json", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [n["citation"] for n in data["norms"]] == ["2(a)(1)", "2(a)(2)", "2(b)"]
    assert data["norms"][0]["exceptions"][0]["references"] == ["4(a)(1)", "4(a)(2)"]


def test_norms_command_reads_akn_files(tmp_path):
    path = tmp_path / "ban.xml"
    path.write_bytes(etree.tostring(import_text(AMENDING).root))
    result = CliRunner().invoke(main, ["norms", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert re.search(r"^220\(b\) prohibition · no public agency · .* \(quoted\)$", result.output, re.MULTILINE)


def test_norms_command_refuses_a_file_that_is_not_akn(tmp_path):
    path = tmp_path / "page.xml"
    path.write_text("<html><body>no</body></html>", encoding="utf-8")
    result = CliRunner().invoke(main, ["norms", str(path)])
    assert result.exit_code == 2 and "error:" in result.output


# -- the API -------------------------------------------------------------------------------------------------------


def stored_text(client, auth, text: str) -> int:
    response = client.post("/api/documents", data=text.encode(), headers=auth(**{"Content-Type": "text/plain"}))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def test_api_reads_a_stored_document_as_norms_with_a_strong_etag(client, auth):
    document = stored_text(client, auth, AMENDING)
    response = client.get(f"/api/documents/{document}/norms", headers=auth("viewer"))
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["document"]["id"] == document and body["document"]["version"] == 1
    assert body["reader"]
    ban = next(n for n in body["norms"] if n["kind"] == "prohibition")
    assert ban["quoted"] is True and ban["citation"] == "220(b)"
    assert ban["actions"] == ["acquire", "possess", "access", "use"]
    etag = response.headers["ETag"]
    assert etag.startswith('"n-')
    again = client.get(f"/api/documents/{document}/norms", headers=auth("viewer", **{"If-None-Match": etag}))
    assert again.status_code == 304 and again.headers["ETag"] == etag


def test_api_norms_of_a_version_and_of_nothing(client, auth):
    document = stored_text(client, auth, BAN)
    assert client.get(f"/api/documents/{document}/norms?version=1", headers=auth()).status_code == 200
    missing = client.get(f"/api/documents/{document}/norms?version=9", headers=auth())
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert client.get("/api/documents/999999/norms", headers=auth()).status_code == 404
    assert client.get(f"/api/documents/{document}/norms").status_code == 401


def test_api_norms_are_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/documents/{document_id}/norms"]["get"]
    assert "200" in operation["responses"] and "304" in operation["responses"]
    assert "NormsResult" in json.dumps(operation["responses"]["200"])


def test_an_amending_instruction_is_one_reading_and_its_quoted_words_are_not_clauses():
    text = ('Section 4 of chapter 90 of the General Laws is hereby amended by striking out, in line 12, the word '
            '"may" and inserting in place thereof the following word:- "shall".')
    (norm,) = read_clause(text)
    assert (norm.kind, norm.construction, norm.bearer) == ("none", "amending-instruction",
                                                          "section 4 of chapter 90 of the general laws")
    assert norm.object.startswith("by striking out, in line 12, the word \"may\"")
    assert norm.object.endswith('"shall"')

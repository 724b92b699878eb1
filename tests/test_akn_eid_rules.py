"""The eId rules as data: what editor_rules gives the browser editor, and the editor page that embeds it.

The editor (static/editor/akn.js) builds its number patterns from this data; the tests here check that the data
says what Python does, including what Python's re and str make of whitespace, case and word boundaries, where
JavaScript's regular expressions differ. tests/test_browser_eids.py runs the editor against repair_eids.
"""

from __future__ import annotations

import json
import re
import string
import sys
import unicodedata
from pathlib import Path

import pytest

from drafting import services
from drafting.akn import eids
from drafting.akn.eids import editor_rules

AKN_JS = Path(__file__).resolve().parents[1] / "static" / "editor" / "akn.js"


def every_character():
    return map(chr, range(sys.maxunicode + 1))


def test_editor_rules_carry_the_prefix_table_and_the_number_rules():
    rules = editor_rules()
    assert rules["prefixes"] == eids.PREFIXES
    assert rules["number"] == {
        "leading_words": list(eids.LEADING_WORDS),
        "leading_marks": eids.LEADING_MARKS,
        "trailing_punctuation": eids.TRAILING_PUNCTUATION,
        "brackets": eids.BRACKETS,
        "kept": eids.KEPT,
        "separator": eids.SEPARATOR,
        "trimmed": eids.TRIMMED,
        "whitespace": eids.WHITESPACE,
        "case_variants": eids.CASE_VARIANTS,
    }
    assert json.loads(json.dumps(rules)) == rules


def test_editor_rules_are_a_copy_the_caller_cannot_change_the_table_through():
    editor_rules()["prefixes"]["section"] = "changed"
    assert editor_rules()["prefixes"]["section"] == "sec"


def test_leading_words_are_lowercase_ascii_letters():
    # akn.js spells out each letter's cases; a word in other characters would need other rules there
    assert all(set(word) <= set(string.ascii_lowercase) for word in eids.LEADING_WORDS)


def test_whitespace_is_what_str_split_and_re_take_for_whitespace():
    space = re.compile(r"\s")
    assert "".join(char for char in every_character() if char.isspace()) == eids.WHITESPACE
    assert "".join(char for char in every_character() if space.match(char)) == eids.WHITESPACE


def test_case_variants_are_what_re_ignorecase_matches_with_the_leading_words_letters():
    # re.IGNORECASE matches an ASCII letter with exactly 4 characters beyond ASCII (the re documentation)
    letter = re.compile("[a-z]", re.IGNORECASE)
    beyond_ascii = [char for char in every_character() if ord(char) > 127 and letter.fullmatch(char)]
    letters = sorted(set("".join(eids.LEADING_WORDS)))
    variants = {
        letter: "".join(char for char in beyond_ascii if re.fullmatch(letter, char, re.IGNORECASE))
        for letter in letters
    }
    assert {letter: chars for letter, chars in variants.items() if chars} == eids.CASE_VARIANTS


def test_re_word_characters_are_unicode_letters_digits_and_underscore():
    # akn.js reads \b after a leading word as (?![\p{L}\p{N}_]); this is Python's \w in those terms
    word = re.compile(r"\w")
    differ = [
        char for char in every_character()
        if bool(word.match(char)) != (char == "_" or unicodedata.category(char)[0] in "LN")
    ]
    assert differ == []


def test_akn_js_keeps_no_copy_of_the_eid_rules():
    source = AKN_JS.read_text()
    assert '"subsec"' not in source and "subsec:" not in source and "subchapter|book" not in source
    assert 'getElementById("eid-rules")' in source


# --- the editor page --------------------------------------------------------------------------------------------


def csrf(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


@pytest.fixture
def editor_page(app, client) -> str:
    """Sign a drafter in and return the editor page of a stored sample."""
    db = app.extensions["drafting.database"]
    stored = services.seed(db)[0]
    services.create_user(db, "ada", "drafter", "correct horse battery")
    token = csrf(client.get("/login").data)
    client.post("/login", data={"name": "ada", "password": "correct horse battery", "csrf_token": token})
    response = client.get(f"/documents/{stored.document.id}/edit")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def embedded(page: str) -> str:
    found = re.search(r'<script type="application/json" id="eid-rules">(.*?)</script>', page, re.DOTALL)
    assert found, "the editor page embeds no eId rules"
    return found.group(1)


def test_editor_page_embeds_the_eid_rules_of_akn_eids(editor_page):
    assert json.loads(embedded(editor_page)) == editor_rules()


def test_embedded_eid_rules_cannot_end_their_element_or_open_markup(editor_page):
    # tojson escapes <, >, & and ' so that no value can close the <script> element it sits in
    assert not re.search(r"[<>&']", embedded(editor_page))


def test_editor_page_runs_no_inline_script(editor_page):
    scripts = re.findall(r"<script\b([^>]*)>", editor_page)
    assert scripts and all('src="' in attributes or 'type="application/json"' in attributes for attributes in scripts)

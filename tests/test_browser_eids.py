"""The editor names provisions as the server does: akn.js's eId assignment, run in Chromium, against repair_eids.

drafting/akn/eids.py owns the eId rules; the editor page embeds them (editor_rules) and static/editor/akn.js
applies them. Each document here loses its provisions' eIds, then the editor assigns them in the browser and
repair_eids assigns them in Python: the two must agree eId for eId, and the server must find nothing to repair in
what the editor sends.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from lxml import etree

from drafting import services
from drafting.akn import E, parse_akn, repair_eids, serialize, xpath
from drafting.akn.eids import PROVISION_TAGS, clean_num
from tests.app_fixtures import SAMPLES, SHARED
from tests.browser_support import TIMEOUT_MS, create_user_with_password, sign_in_browser
from tests.test_quoted_structures_documents import imported, uncommon_shapes

pytestmark = pytest.mark.browser

CORPUS = SHARED / "corpus" / "akn"
FOREIGN = "urn:example:foreign"


# --- the documents ----------------------------------------------------------------------------------------------


def document(*provisions, meta=(), after=()):
    """Return an act whose body holds the given provisions, with anything else after the body."""
    return E.akomaNtoso(E.act(E.meta(*meta), E.body(*provisions), *after, name="act"))


def provision(name, num=None, *children, eId=None):
    """Return a provision with an optional printed number (a string, or a <num> element) and children."""
    node = getattr(E, name)()
    if isinstance(num, str):
        node.append(E.num(num))
    elif num is not None:
        node.append(num)
    if children:
        node.extend(children)
    else:
        node.append(E.content(E.p("Words.")))
    if eId is not None:
        node.set("eId", eId)
    return node


def organization(eid):
    return E.references(E.TLCOrganization(eId=eid, href="/ontology/organization/x", showAs="X"))


def nested():
    clauses = provision("clause", "(i)", provision("subclause", "(I)")), provision("clause", "(ii)")
    points = provision("point", "(i)"), provision("point", "(ii)", provision("point", "(a)"), provision("point", "(b)"))
    listed = provision("list", None, provision("point", "(i)"), provision("point", "(ii)"))
    return document(
        provision("section", "1.", provision(
            "subsection", "(a)",
            provision("paragraph", "(1)", provision("subparagraph", "(A)", *clauses)),
            provision("paragraph", "(2)", *points),
        )),
        provision("section", "2.", provision("paragraph", "(a)", listed)),
        provision("part", "Part I", provision("chapter", "Chapter 1", provision("article", "Article 1",
                                                                                provision("alinea")))),
    )


def inserted_numbers():
    return document(
        provision("section", "3."), provision("section", "3A."), provision("section", "3B."),
        provision("section", "3.1", provision("subsection", "(a)"), provision("subsection", "(a-1)"),
                  provision("subsection", "(a.1)"), provision("subsection", "(b)")),
        provision("section", "§ 19B.3"), provision("section", "16-62.2"), provision("section", "Sec. 4A"),
        provision("section", "(3A)"), provision("section", "3 (a)"),
    )


def unnumbered():
    return document(
        provision("hcontainer"), provision("section"), provision("section", "2."), provision("section"),
        provision("section", "", provision("subsection"), provision("subsection", "(b)"), provision("subsection")),
        provision("section", "(.)"), provision("section", "§"), provision("section", "Section"),
        provision("hcontainer", None, provision("hcontainer"), provision("hcontainer")),
    )


def duplicates():
    return document(
        provision("section", "1.", provision("subsection", "(a)"), provision("subsection", "(a)")),
        provision("section", "1", provision("subsection", "(a)")),
        provision("section", "1."), provision("section", "Section 1"),
        provision("section", "2.", provision("subsection", "(a)", provision("paragraph", "(1)"),
                                             provision("paragraph", "(1)"), provision("paragraph", "(1)"))),
    )


def taken_by_other_elements():
    """Conventional eIds another element already holds: a TLC in the meta, a foreign element, an intro."""
    proprietary = E.proprietary(source="#x")
    etree.SubElement(proprietary, f"{{{FOREIGN}}}note", eId="sec_2")
    return document(
        provision("section", "1.", provision("subsection", "(a)"), provision("subsection", "(b)")),
        provision("section", "1."),
        provision("section", "2.", E.intro(E.p("Intro."), eId="sec_2__subsec_a"), provision("subsection", "(a)")),
        meta=(organization("sec_1"), proprietary),
    )


def printed_numbers_in_other_languages():
    return document(
        provision("article", "Artículo 1º"), provision("article", "Article 2"), provision("section", "Sectioné 3"),
        provision("section", "ſection 4"), provision("section", "SECTİON 5"), provision("section", "Sectıon 6"),
        provision("section", "Section٣"), provision("chapter", "Chapitre 2"), provision("chapter", "CH. 7"),
        provision("section", "Τμήμα 3"), provision("section", "Ⅳ"), provision("section", "SECTION_8"),
    )


def whitespace_and_markup_in_numbers():
    return document(
        provision("section", "Section\u00a03."), provision("section", "\u2003(b)\u2003"),
        provision("section", "4\u0085"),
        provision("section", "Sec\ufeff.5"), provision("section", "\n  6 .\n"), provision("section", "7\u200b"),
        provision("section", E.num(E.b("8"), "A.")), provision("section", E.num("9", etree.Comment("x"), "B.")),
        provision("section", "  Section   10  "),
    )


def provisions_outside_the_body():
    """An amending section quoting a section, and a schedule in the attachments: repair_eids names them all."""
    quoted = E.mod(E.quotedStructure(provision("section", "5.", provision("subsection", "(a)"))))
    attachment = E.attachments(E.attachment(E.doc(E.meta(), E.mainBody(
        provision("hcontainer"), provision("section", "1."), provision("section", "2.")), name="schedule")))
    return document(provision("hcontainer"), provision("section", "1.", E.content(E.p(quoted))),
                    after=(attachment,))


def amending_bill():
    """An amending bill as the importer reads it: its quoted section (with a definitions subsection) is named under
    the amending section (expected_eids: a mod and a quotedStructure are no provisions)."""
    return imported("amending-bill")


def quoted_structures_together():
    """Amending bills in one body, so that their provisions' eIds clash: quoted sections, a quoted chapter, printed
    quotation marks, quoted structures in an intro and two in one paragraph."""
    roots = [*(imported(name) for name in ("amending-bill", "quoted-chapter", "printed-quotes")), uncommon_shapes()]
    return document(*(provision for root in roots for provision in xpath(root, "//akn:body")[0]))


EDGE_CASES = {
    "nested": nested,
    "amending-bill": amending_bill,
    "quoted-structures-together": quoted_structures_together,
    "inserted-numbers": inserted_numbers,
    "unnumbered": unnumbered,
    "duplicates": duplicates,
    "taken-by-other-elements": taken_by_other_elements,
    "other-languages": printed_numbers_in_other_languages,
    "whitespace-and-markup": whitespace_and_markup_in_numbers,
    "outside-the-body": provisions_outside_the_body,
}


def samples() -> list[Path]:
    found = sorted(SAMPLES.glob("*.xml"))
    assert found, f"no samples under {SAMPLES}"
    return found


def corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else []


def provisions(root):
    return list(root.iter(tuple(PROVISION_TAGS)))


def without_provision_eids(root) -> bytes:
    """Return the document with no eId on any provision (every other element keeps its eId)."""
    for node in provisions(root):
        node.attrib.pop("eId", None)
    return serialize(root)


def scrambled(root, seed: str) -> bytes:
    """Return the document with its provisions' eIds shuffled, some duplicated, some missing or odd."""
    nodes = provisions(root)
    pool = [node.get("eId") or f"x_{index}" for index, node in enumerate(nodes)]
    shuffle = random.Random(seed)
    shuffle.shuffle(pool)
    for index, node in enumerate(nodes):
        choice = shuffle.choice([pool[index], pool[0], "", None, "sec_1", pool[index]])
        if choice is None:
            node.attrib.pop("eId", None)
        else:
            node.set("eId", choice)
    return serialize(root)


def server_eids(xml: bytes) -> list[str]:
    """Return the eIds repair_eids gives the provisions of a document, in document order."""
    root = parse_akn(xml).root
    repair_eids(root)
    return [node.get("eId") for node in provisions(root)]


# --- the editor -------------------------------------------------------------------------------------------------

ASSIGN = """async ([url, xml]) => {
  const akn = await import(url);
  const doc = akn.parseDocument(xml);
  akn.assignEids(doc);
  const eids = Array.from(doc.getElementsByTagNameNS(akn.AKN_NS, "*")).filter(akn.isProvision)
    .map((node) => node.getAttribute("eId"));
  return { eids, xml: akn.serializeDocument(doc) };
}"""


class Editor:
    """The editor page of a stored sample, whose akn.js module (the one main.js runs) the tests drive."""

    def __init__(self, page):
        self.page = page
        self.page_errors: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    @property
    def module(self) -> str:
        # as main.js imports it: a sibling of the page's module script
        return self.page.evaluate(
            "() => new URL('akn.js', document.querySelector('script[type=module]').src).href"
        )

    def assign(self, xml: bytes) -> tuple[list[str], bytes]:
        """Run akn.js's assignEids on a document in the browser; return its provisions' eIds and the document."""
        result = self.page.evaluate(ASSIGN, [self.module, xml.decode("utf-8")])
        return result["eids"], result["xml"].encode("utf-8")

    def clean(self, nums: list[str]) -> list[str]:
        script = "async ([url, nums]) => { const akn = await import(url); return nums.map(akn.cleanNum); }"
        return self.page.evaluate(script, [self.module, nums])


@pytest.fixture(scope="module")
def editor(browser, live_server, migrated_database):
    """Open the editor on a stored sample once for the module, signed in as a drafter."""
    stored = services.seed(migrated_database)[0]
    name, password = create_user_with_password(migrated_database, name="eid-drafter")
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        editor = Editor(page)
        sign_in_browser(page, live_server, name, password)
        page.goto(f"{live_server}/documents/{stored.document.id}/edit")
        page.locator("#bill .provision").first.wait_for()
        yield editor
        assert editor.page_errors == []
    finally:
        context.close()


def assert_same_eids(editor: Editor, original: bytes, given: bytes | None = None) -> None:
    """The editor, given `given` (by default the document without provision eIds), names every provision as
    repair_eids names the document without provision eIds; and the server finds nothing to repair after it."""
    stripped = without_provision_eids(parse_akn(original).root)
    expected = server_eids(stripped)
    assigned, sent = editor.assign(given or stripped)
    mismatches = [(index, ours, theirs) for index, (ours, theirs) in enumerate(zip(assigned, expected, strict=True))
                  if ours != theirs]
    assert mismatches == [], f"{len(mismatches)} of {len(expected)} eIds differ (index, editor, server)"
    assert repair_eids(parse_akn(sent).root) == ()


# --- the tests --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", samples(), ids=lambda path: path.stem)
def test_editor_names_every_sample_provision_as_repair_eids_does(editor, path):
    assert_same_eids(editor, path.read_bytes())


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_editor_names_edge_case_provisions_as_repair_eids_does(editor, name):
    assert_same_eids(editor, serialize(EDGE_CASES[name]()))


@pytest.mark.parametrize("name", [*(path.stem for path in samples()), *sorted(EDGE_CASES)])
def test_editor_ignores_scrambled_provision_eids_and_names_them_as_repair_eids_does(editor, name):
    path = SAMPLES / f"{name}.xml"
    original = path.read_bytes() if path.exists() else serialize(EDGE_CASES[name]())
    assert_same_eids(editor, original, scrambled(parse_akn(original).root, name))


@pytest.mark.parametrize("path", corpus(), ids=lambda path: path.stem)
def test_editor_names_provisions_of_documents_from_other_systems_as_repair_eids_does(editor, path):
    assert_same_eids(editor, path.read_bytes())


NUMS = [
    "(B)", "16-62.2", "Section 3.", "A.", "2.128.030", "§ 19B.3", "§§ 4", "(ii)", "Sec. 5", "Sec.5", "Art. IV", "A)",
    "  (  c  )  ", "", "3A", "(3A)", "3 (a)", "[a]", "Chapitre 2", "Partie 1", "Artículo 1º", "Sectioné 3", "Section٣",
    "ſection 3", "SECTİON 3", "Sectıon 3", "KH 2", " Section 3", "Section\u00a03.", "Sec\ufeff.3", "3\u0085",
    "\u2003(b)\u2003", "Part\u200b1", "Τμήμα 3", "Ⅳ", "(.)", "Section", "title_2", "Book 2, Tome 3;",
]


def test_editor_cleans_printed_numbers_as_clean_num_does(editor):
    assert dict(zip(NUMS, editor.clean(NUMS), strict=True)) == {num: clean_num(num) for num in NUMS}


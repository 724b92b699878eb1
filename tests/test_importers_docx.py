"""The .docx front half of the importer: real Word documents in, plain text with rendered numbering out.

Documents are built with python-docx; automatic numbering is written into the package's real numbering part
(w:abstractNum, w:num, w:numPr) through its oxml layer. Hostile packages are built by rewriting zips byte by byte.
"""

from __future__ import annotations

import io
import random
import struct
import time
import tracemalloc
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from lxml.builder import ElementMaker

from drafting.errors import InvalidDocumentError, RequestTooLargeError, UnsafeXmlError
from drafting.importers.docx import DocxText, docx_to_text

ATTACKS = Path(__file__).resolve().parents[2] / "shared" / "attacks"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
PASSWD_MARKER = "root:x:0:0"
WORD_DOCUMENT_START = f'<w:document xmlns:w="{W_NS}"><w:body>'.encode()
WORD_DOCUMENT_END = b"</w:body></w:document>"
MiB = 1024 * 1024

W = ElementMaker(namespace=W_NS, nsmap={"w": W_NS})


def qn(name: str) -> str:
    """Return the Clark name of a WordprocessingML tag or attribute."""
    return f"{{{W_NS}}}{name}"


def wml(tag: str, *children, **attributes):
    """Return a WordprocessingML element whose attributes are in the w: namespace, as Word writes them."""
    return getattr(W, tag)(*children, {qn(name): str(value) for name, value in attributes.items()})


def attack(name: str) -> bytes:
    """Return the bytes of a payload from ../shared/attacks, or skip when the shared folder is absent."""
    path = ATTACKS / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path.read_bytes()


def saved(document) -> bytes:
    """Return a python-docx document as .docx bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def converted(document) -> DocxText:
    """Save a python-docx document and convert it."""
    return docx_to_text(saved(document))


# --- numbering through the real numbering part --------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One w:lvl of an abstract numbering definition."""

    number_format: str
    text: str
    start: int = 1
    restart_after: int | None = None
    style: str | None = None


def add_abstract_numbering(document, *levels: Level, style_link: str | None = None) -> str:
    """Add a w:abstractNum with the given levels to the document's numbering part; return its id."""
    numbering = document.part.numbering_part.element
    taken = [int(element.get(qn("abstractNumId"))) for element in numbering.iterfind(qn("abstractNum"))]
    abstract_id = str(max(taken, default=-1) + 1)
    definitions = []
    for index, level in enumerate(levels):
        restart = [] if level.restart_after is None else [wml("lvlRestart", val=level.restart_after)]
        style = [] if level.style is None else [wml("pStyle", val=level.style)]
        definitions.append(
            wml(
                "lvl",
                wml("start", val=level.start),
                wml("numFmt", val=level.number_format),
                *restart,
                *style,
                wml("lvlText", val=level.text),
                wml("lvlJc", val="left"),
                ilvl=index,
            )
        )
    link = [] if style_link is None else [wml("styleLink", val=style_link)]
    abstract = wml(
        "abstractNum", wml("multiLevelType", val="multilevel"), *link, *definitions, abstractNumId=abstract_id
    )
    first_instance = numbering.find(qn("num"))  # the schema puts every abstractNum before the first num
    if first_instance is None:
        numbering.append(abstract)
    else:
        first_instance.addprevious(abstract)
    return abstract_id


def add_numbering_instance(document, abstract_id: str, *, start_overrides: dict[int, int] | None = None) -> int:
    """Add a w:num using an abstract definition, with optional w:startOverride per level; return its numId."""
    numbering = document.part.numbering_part.element
    num_id = max((int(element.get(qn("numId"))) for element in numbering.iterfind(qn("num"))), default=0) + 1
    overrides = [
        wml("lvlOverride", wml("startOverride", val=start), ilvl=level)
        for level, start in (start_overrides or {}).items()
    ]
    numbering.append(wml("num", wml("abstractNumId", val=abstract_id), *overrides, numId=num_id))
    return num_id


def add_list(document, *levels: Level) -> int:
    """Add an abstract numbering definition and one instance of it; return the instance's numId."""
    return add_numbering_instance(document, add_abstract_numbering(document, *levels))


def add_numbered_paragraph(document, text: str, num_id: int, ilvl: int = 0):
    """Add a paragraph numbered directly through its w:pPr/w:numPr."""
    paragraph = document.add_paragraph(text)
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = ilvl
    numbering.get_or_add_numId().val = num_id
    return paragraph


def add_revision(paragraph, kind: str, text: str, revision_id: int) -> None:
    """Append a tracked insertion (w:ins) or deletion (w:del) holding one run."""
    text_element = wml("delText" if kind == "del" else "t", text)
    text_element.set(XML_SPACE, "preserve")
    paragraph._p.append(
        wml(kind, wml("r", text_element), id=revision_id, author="Drafter", date="2026-01-05T10:00:00Z")
    )


# --- zips rewritten byte by byte ----------------------------------------------------------------------------------


def rebuilt(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Return a copy of a zip with some entries' contents replaced and others added."""
    replace, add = replace or {}, add or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return buffer.getvalue()


def central_record(data: bytes, name: str) -> int:
    """Return the offset of an entry's record in the zip's central directory."""
    end = data.rindex(b"PK\x05\x06")
    (count,) = struct.unpack_from("<H", data, end + 10)
    (position,) = struct.unpack_from("<I", data, end + 16)
    for _ in range(count):
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        if data[position + 46 : position + 46 + name_length] == name.encode():
            return position
        position += 46 + name_length + extra_length + comment_length
    raise LookupError(name)


def patched(data: bytes, name: str, *, central: tuple[int, str, int], local: tuple[int, str, int]) -> bytes:
    """Overwrite one field of an entry in both its central directory record and its local header."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        header = package.getinfo(name).header_offset
    patched_data = bytearray(data)
    for base, (offset, layout, value) in ((central_record(data, name), central), (header, local)):
        struct.pack_into(layout, patched_data, base + offset, value)
    return bytes(patched_data)


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Return a zip whose entry declares an uncompressed size other than its real one."""
    return patched(data, name, central=(24, "<I", size), local=(22, "<I", size))


def with_encrypted_flag(data: bytes, name: str) -> bytes:
    """Return a zip whose entry is flagged as encrypted."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        flags = package.getinfo(name).flag_bits | 0x1
    return patched(data, name, central=(8, "<H", flags), local=(6, "<H", flags))


def with_end_record_count(data: bytes, count: int) -> bytes:
    """Return a zip whose end of central directory record declares `count` entries; its directory is unchanged."""
    end = data.rindex(b"PK\x05\x06")
    patched_data = bytearray(data)
    struct.pack_into("<HH", patched_data, end + 8, count, count)
    return bytes(patched_data)


def with_zip64_end_record(data: bytes, count: int) -> bytes:
    """Return a zip whose end records are ZIP64 ones declaring `count` entries; its directory is unchanged."""
    end = data.rindex(b"PK\x05\x06")
    size, offset = struct.unpack_from("<II", data, end + 12)
    record = struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, size, offset)
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, end, 1)
    classic = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return data[:end] + record + locator + classic


def zip_of(entries: dict[str, bytes]) -> bytes:
    """Return a zip holding the given entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return buffer.getvalue()


def ordinary_docx() -> bytes:
    """Return a small, harmless .docx."""
    document = docx.Document()
    document.add_paragraph("Section 1. Short title.")
    return saved(document)


def peak_memory_of(action) -> tuple[int, float]:
    """Run action and return the peak memory it traced, in bytes, and the seconds it took."""
    tracemalloc.start()
    began = time.perf_counter()
    try:
        action()
        return tracemalloc.get_traced_memory()[1], time.perf_counter() - began
    finally:
        tracemalloc.stop()


# --- paragraphs ---------------------------------------------------------------------------------------------------


def test_paragraphs_come_out_in_order_separated_by_blank_lines():
    document = docx.Document()
    document.add_heading("Biometric Surveillance Moratorium", level=0)
    document.add_heading("Section 1. Definitions", level=1)
    document.add_paragraph("For the purposes of this act:")
    document.add_paragraph("The following words shall have the following meanings.")

    assert converted(document).text == (
        "Biometric Surveillance Moratorium\n\n"
        "Section 1. Definitions\n\n"
        "For the purposes of this act:\n\n"
        "The following words shall have the following meanings."
    )


def test_empty_paragraphs_are_dropped():
    document = docx.Document()
    document.add_paragraph("First.")
    document.add_paragraph("")
    document.add_paragraph("   \t ")
    document.add_paragraph("Second.")

    assert converted(document).text == "First.\n\nSecond."


def test_trailing_whitespace_of_each_line_is_stripped_and_text_kept_exactly():
    document = docx.Document()
    document.add_paragraph("  “Agency” means any ‘public’ body —   ")

    assert converted(document).text == "  “Agency” means any ‘public’ body —"


def test_soft_line_break_stays_inside_the_paragraph():
    document = docx.Document()
    run = document.add_paragraph().add_run("Section 2.")
    run.add_break()
    run.add_text("Prohibition.")
    document.add_paragraph("Next paragraph.")

    assert converted(document).text == "Section 2.\nProhibition.\n\nNext paragraph."


def test_consecutive_line_breaks_never_make_a_blank_line_inside_a_paragraph():
    document = docx.Document()
    run = document.add_paragraph().add_run("Line one")
    run.add_break()
    run.add_break()
    run.add_text("Line two")
    run.add_break()

    assert converted(document).text == "Line one\nLine two"


def test_tab_becomes_a_space_and_hyphen_elements_become_their_characters():
    document = docx.Document()
    run = document.add_paragraph().add_run("Section")
    run.add_tab()
    run.add_text("3 non")
    run._r.append(wml("noBreakHyphen"))
    run._r.append(wml("t", "profit surveil"))
    run._r.append(wml("softHyphen"))
    run._r.append(wml("t", "lance"))
    run._r.append(wml("sym", font="Symbol", char="F0B7"))

    assert converted(document).text == "Section 3 non-profit surveillance"


def test_deleted_runs_are_dropped_and_inserted_runs_kept():
    document = docx.Document()
    paragraph = document.add_paragraph("The agency ")
    add_revision(paragraph, "del", "may", revision_id=1)
    add_revision(paragraph, "ins", "shall", revision_id=2)
    paragraph.add_run(" publish an annual report.")

    result = converted(document)

    assert result.text == "The agency shall publish an annual report."
    assert "1 deleted revision dropped" in result.notes
    assert "1 inserted revision kept" in result.notes


def test_table_rows_become_lines_with_cells_joined_by_bars():
    document = docx.Document()
    document.add_paragraph("Schedule 1.")
    table = document.add_table(rows=2, cols=2)
    rows = [("Term", "Meaning"), ("Face surveillance", "an automated process")]
    for row, (term, meaning) in zip(table.rows, rows, strict=True):
        row.cells[0].text = term
        row.cells[1].text = meaning
    document.add_paragraph("After the table.")

    result = converted(document)

    assert (
        result.text == "Schedule 1.\n\nTerm | Meaning\n\nFace surveillance | an automated process\n\nAfter the table."
    )
    assert "1 table flattened into 2 lines" in result.notes


def test_markup_in_text_stays_literal_text():
    document = docx.Document()
    document.add_paragraph('<script>alert(1)</script> <img src=x onerror="alert(2)"> {{7*7}} &amp;')

    assert converted(document).text == '<script>alert(1)</script> <img src=x onerror="alert(2)"> {{7*7}} &amp;'


# --- automatic numbering ------------------------------------------------------------------------------------------


def test_parenthesised_lower_letter_numbering_renders_a_b():
    document = docx.Document()
    num_id = add_list(document, Level("lowerLetter", "(%1)"))
    add_numbered_paragraph(document, "a government official;", num_id)
    add_numbered_paragraph(document, "a law enforcement agency.", num_id)

    result = converted(document)

    assert result.text == "(a) a government official;\n\n(b) a law enforcement agency."
    assert "numbering rendered for 2 paragraphs" in result.notes


def test_empty_numbered_paragraph_is_dropped_but_uses_up_its_number_as_in_word():
    document = docx.Document()
    num_id = add_list(document, Level("lowerLetter", "(%1)"))
    add_numbered_paragraph(document, "notice;", num_id)
    add_numbered_paragraph(document, "", num_id)
    add_numbered_paragraph(document, "hearing.", num_id)

    assert converted(document).text == "(a) notice;\n\n(c) hearing."


def test_deeper_level_restarts_when_a_shallower_level_advances():
    document = docx.Document()
    num_id = add_list(document, Level("lowerLetter", "(%1)"), Level("decimal", "(%2)"))
    for text, ilvl in [("first", 0), ("one", 1), ("two", 1), ("second", 0), ("one again", 1)]:
        add_numbered_paragraph(document, text, num_id, ilvl)

    assert converted(document).text.split("\n\n") == [
        "(a) first",
        "(1) one",
        "(2) two",
        "(b) second",
        "(1) one again",
    ]


def test_level_text_can_combine_the_counters_of_several_levels():
    document = docx.Document()
    num_id = add_list(document, Level("decimal", "%1."), Level("decimal", "%1.%2"))
    for text, ilvl in [("Scope", 0), ("Applies", 1), ("Excludes", 1), ("Definitions", 0), ("Agency", 1)]:
        add_numbered_paragraph(document, text, num_id, ilvl)

    assert converted(document).text.split("\n\n") == [
        "1. Scope",
        "1.1 Applies",
        "1.2 Excludes",
        "2. Definitions",
        "2.1 Agency",
    ]


def test_level_with_lvl_restart_zero_keeps_counting_across_shallower_levels():
    document = docx.Document()
    num_id = add_list(document, Level("upperLetter", "%1."), Level("decimal", "%2)", restart_after=0))
    for text, ilvl in [("Part", 0), ("one", 1), ("Part", 0), ("two", 1)]:
        add_numbered_paragraph(document, text, num_id, ilvl)

    assert converted(document).text.split("\n\n") == ["A. Part", "1) one", "B. Part", "2) two"]


def test_upper_and_lower_roman_numbering():
    document = docx.Document()
    num_id = add_list(document, Level("upperRoman", "Article %1."), Level("lowerRoman", "(%2)"))
    add_numbered_paragraph(document, "General", num_id, 0)
    for text in ["one", "two", "three", "four"]:
        add_numbered_paragraph(document, text, num_id, 1)
    add_numbered_paragraph(document, "Oversight", num_id, 0)
    add_numbered_paragraph(document, "Remedies", num_id, 0)
    add_numbered_paragraph(document, "Severability", num_id, 0)

    assert converted(document).text.split("\n\n") == [
        "Article I. General",
        "(i) one",
        "(ii) two",
        "(iii) three",
        "(iv) four",
        "Article II. Oversight",
        "Article III. Remedies",
        "Article IV. Severability",
    ]


def test_start_override_restarts_the_list_at_its_value():
    document = docx.Document()
    abstract_id = add_abstract_numbering(document, Level("decimal", "%1."))
    first = add_numbering_instance(document, abstract_id)
    restarted = add_numbering_instance(document, abstract_id, start_overrides={0: 5})
    add_numbered_paragraph(document, "one", first)
    add_numbered_paragraph(document, "two", first)
    add_numbered_paragraph(document, "five", restarted)
    add_numbered_paragraph(document, "six", restarted)

    assert converted(document).text.split("\n\n") == ["1. one", "2. two", "5. five", "6. six"]


def test_instances_of_one_abstract_definition_continue_one_list_as_word_does():
    document = docx.Document()
    abstract_id = add_abstract_numbering(document, Level("decimal", "%1."))
    first = add_numbering_instance(document, abstract_id)
    second = add_numbering_instance(document, abstract_id)
    add_numbered_paragraph(document, "one", first)
    add_numbered_paragraph(document, "two", second)
    add_numbered_paragraph(document, "three", first)

    assert converted(document).text.split("\n\n") == ["1. one", "2. two", "3. three"]


def test_paragraph_style_linked_to_numbering_numbers_its_paragraphs():
    document = docx.Document()
    num_id = add_list(document, Level("decimal", "Section %1."))
    style = document.styles.add_style("Clause", WD_STYLE_TYPE.PARAGRAPH)
    style.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id
    document.add_paragraph("Definitions.", style="Clause")
    document.add_paragraph("Unnumbered text between sections.")
    document.add_paragraph("Prohibition.", style="Clause")

    assert (
        converted(document).text
        == "Section 1. Definitions.\n\nUnnumbered text between sections.\n\nSection 2. Prohibition."
    )


def test_heading_styles_select_their_level_through_the_level_paragraph_style():
    document = docx.Document()
    num_id = add_list(
        document, Level("upperRoman", "Article %1", style="Heading1"), Level("decimal", "Section %2.", style="Heading2")
    )
    for style_name in ("Heading 1", "Heading 2"):  # Word leaves ilvl out of the style; the level names the style
        document.styles[style_name].element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = num_id
    document.add_heading("General provisions", level=1)
    document.add_heading("Short title", level=2)
    document.add_heading("Definitions", level=2)
    document.add_heading("Oversight", level=1)
    document.add_heading("Annual report", level=2)

    assert converted(document).text.split("\n\n") == [
        "Article I General provisions",
        "Section 1. Short title",
        "Section 2. Definitions",
        "Article II Oversight",
        "Section 1. Annual report",
    ]


def test_numbering_through_a_list_style_uses_the_levels_of_the_linked_definition():
    document = docx.Document()
    list_style = document.styles.add_style("LegalList", WD_STYLE_TYPE.LIST)
    defining = add_abstract_numbering(document, Level("lowerLetter", "(%1)"), style_link="LegalList")
    list_style.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = add_numbering_instance(
        document, defining
    )
    linking = add_abstract_numbering(document)
    document.part.numbering_part.element.find(f"{qn('abstractNum')}[@{qn('abstractNumId')}='{linking}']").append(
        wml("numStyleLink", val="LegalList")
    )
    num_id = add_numbering_instance(document, linking)
    add_numbered_paragraph(document, "notice;", num_id)
    add_numbered_paragraph(document, "hearing.", num_id)

    assert converted(document).text == "(a) notice;\n\n(b) hearing."


def test_letters_and_roman_numerals_beyond_their_range_come_out_decimal():
    document = docx.Document()
    num_id = add_list(document, Level("upperRoman", "%1.", start=3999), Level("lowerLetter", "(%2)", start=2**31 - 2))
    add_numbered_paragraph(document, "last Roman", num_id, 0)
    add_numbered_paragraph(document, "past Roman", num_id, 0)
    add_numbered_paragraph(document, "far past letters", num_id, 1)

    assert converted(document).text.split("\n\n") == [
        "MMMCMXCIX. last Roman",
        "4000. past Roman",
        "(2147483646) far past letters",
    ]


def test_bullets_carry_no_label():
    document = docx.Document()
    num_id = add_list(document, Level("bullet", "•"))
    add_numbered_paragraph(document, "retention limits;", num_id)
    add_numbered_paragraph(document, "audit logs.", num_id)

    assert converted(document).text == "retention limits;\n\naudit logs."


# --- hostile and wrong packages -----------------------------------------------------------------------------------


def test_shared_zip_bomb_is_refused_before_decompressing():
    data = attack("10-zip-bomb.docx")

    def convert() -> None:
        with pytest.raises(RequestTooLargeError, match=r"declares .* uncompressed; the limit is 50 MiB"):
            docx_to_text(data)

    peak, seconds = peak_memory_of(convert)

    assert seconds < 1
    assert peak < 50 * MiB


def test_declared_uncompressed_total_above_the_limit_is_refused():
    with pytest.raises(RequestTooLargeError, match=r"the \.docx declares .* uncompressed; the limit is 4 KiB"):
        docx_to_text(ordinary_docx(), max_uncompressed=4096)


def test_entry_compressed_more_than_100_to_1_is_refused():
    data = ordinary_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        padded = package.read("word/document.xml") + b" " * (2 * MiB)

    with pytest.raises(RequestTooLargeError, match=r"entry 'word/document.xml' expands \d+:1 .* the limit is 100:1"):
        docx_to_text(rebuilt(data, replace={"word/document.xml": padded}))


def test_entry_larger_than_its_declared_size_is_refused_by_the_bounded_read():
    data = ordinary_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        original = package.read("word/document.xml")
    lying = with_declared_size(
        rebuilt(data, replace={"word/document.xml": original + b" " * (60 * MiB)}), "word/document.xml", len(original)
    )

    def convert() -> None:
        with pytest.raises(RequestTooLargeError, match=f"expands beyond the {len(original)} bytes its header declares"):
            docx_to_text(lying)

    peak, _ = peak_memory_of(convert)

    assert peak < 50 * MiB


def test_too_many_entries_are_refused():
    padding = {f"customXml/padding{index}.xml": b"" for index in range(2001)}

    with pytest.raises(RequestTooLargeError, match=r"the \.docx has \d+ entries; the limit is 2000"):
        docx_to_text(rebuilt(ordinary_docx(), add=padding))


def test_entry_count_of_the_end_record_is_refused_before_the_central_directory_is_read():
    """The end record alone decides: a directory of 65,000 entries would cost seconds to read (here it holds the
    few entries of a harmless document, which zipfile alone would happily open)."""
    declared = with_end_record_count(ordinary_docx(), 65_000)

    with pytest.raises(RequestTooLargeError, match=r"the \.docx has 65000 entries; the limit is 2000") as refused:
        docx_to_text(declared)

    assert refused.value.rule == "request-too-large"


def test_entry_count_of_a_zip64_end_record_is_refused():
    declared = with_zip64_end_record(ordinary_docx(), 100_000)

    with pytest.raises(RequestTooLargeError, match=r"the \.docx has 100000 entries; the limit is 2000") as refused:
        docx_to_text(declared)

    assert refused.value.rule == "request-too-large"


def test_a_zip64_end_record_within_the_limit_is_read_like_any_other():
    with zipfile.ZipFile(io.BytesIO(ordinary_docx())) as package:
        entries = len(package.infolist())

    assert "Short title" in docx_to_text(with_zip64_end_record(ordinary_docx(), entries)).text


def test_an_end_record_that_understates_the_entries_does_not_hide_them():
    padding = {f"customXml/padding{index}.xml": b"" for index in range(2001)}
    understated = with_end_record_count(rebuilt(ordinary_docx(), add=padding), 12)

    with pytest.raises(RequestTooLargeError, match=r"the \.docx has \d+ entries; the limit is 2000"):
        docx_to_text(understated)


def test_encrypted_entry_is_refused():
    with pytest.raises(InvalidDocumentError, match=r"found encrypted entry 'word/document\.xml'"):
        docx_to_text(with_encrypted_flag(ordinary_docx(), "word/document.xml"))


def test_damaged_entry_is_refused_as_invalid_document():
    data = ordinary_docx()
    damaged = patched(data, "word/document.xml", central=(16, "<I", 0), local=(14, "<I", 0))  # wrong CRC-32

    with pytest.raises(InvalidDocumentError, match=r"found a damaged entry word/document\.xml \(Bad CRC-32"):
        docx_to_text(damaged)


XXE_DOCTYPE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize(
    ("part", "root"),
    [("word/document.xml", "document"), ("word/numbering.xml", "numbering"), ("word/styles.xml", "styles")],
)
def test_external_entity_in_any_part_is_refused_and_nothing_leaks(part, root):
    hostile = (
        f'<?xml version="1.0" encoding="UTF-8"?>{XXE_DOCTYPE}'
        f'<w:{root} xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:{root}>'
    ).encode()
    data = rebuilt(ordinary_docx(), replace={part: hostile})

    with pytest.raises(UnsafeXmlError, match=f"{part}: DOCTYPE declarations are not allowed") as caught:
        docx_to_text(data)

    assert PASSWD_MARKER not in str(caught.value)
    assert PASSWD_MARKER not in repr(caught.value.extra)


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"", "an empty upload"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "an OLE2 compound file"),
        (b"<html><body>An act</body></html>", "XML or HTML text"),
        (b"SECTION 1. Short title.", "data that is not a zip archive"),
        (b"PK\x03\x04 truncated", "a damaged zip archive"),
    ],
)
def test_upload_that_is_not_a_zip_is_refused_as_invalid_document(data, found):
    with pytest.raises(
        InvalidDocumentError, match=rf"expected a \.docx \(a zip with word/document\.xml\), found {found}"
    ):
        docx_to_text(data)


@pytest.mark.parametrize(
    ("entries", "found"),
    [
        ({"[Content_Types].xml": b"<Types/>"}, "a zip without word/document.xml"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}, "an OpenDocument file"),
    ],
)
def test_zip_without_word_document_xml_is_refused_as_invalid_document(entries, found):
    with pytest.raises(InvalidDocumentError, match=rf"expected a \.docx .*, found {found}"):
        docx_to_text(zip_of(entries))


def test_markup_budget_of_the_parts_does_not_grow_with_the_unpacked_size_limit():
    """A larger unpacked-size limit is room for media, never parsed; the tree one upload may build stays bounded."""
    marks = random.Random(3).randbytes(750_000).hex()  # random values: the part deflates far less than 100:1
    dense = "".join(f'<w:r w:rsidR="{marks[i:i + 2]}"/>' for i in range(0, len(marks), 2)).encode()
    data = rebuilt(ordinary_docx(), replace={"word/document.xml": WORD_DOCUMENT_START + dense + WORD_DOCUMENT_END})

    with pytest.raises(UnsafeXmlError, match=r"word/document\.xml: document has 1,500,\d+ start tags and attributes; "
                                             r"the limit is 1,398,101"):
        docx_to_text(data, max_uncompressed=64 * MiB)


def test_numbering_level_text_longer_than_255_characters_is_refused():
    document = docx.Document()
    num_id = add_list(document, Level("decimal", "%1" * 200))
    add_numbered_paragraph(document, "amplified", num_id)

    with pytest.raises(InvalidDocumentError, match=r"numbering level text of at most 255 characters, found 400"):
        converted(document)


def test_numbering_labels_cannot_grow_the_text_beyond_the_limit():
    document = docx.Document()
    num_id = add_list(document, Level("decimal", "%1" * 127, start=10**9))  # 1,270 characters of label each
    for _ in range(2000):
        add_numbered_paragraph(document, "x", num_id)
    data = saved(document)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        declared = sum(entry.file_size for entry in package.infolist())

    with pytest.raises(RequestTooLargeError, match=r"the text of the \.docx exceeds the limit of"):
        docx_to_text(data, max_uncompressed=declared)

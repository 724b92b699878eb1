"""Builders of redline model values for the renderers' tests: an entry with plausible defaults, and the entries of
the sample redline that the HTML and Word tests share."""

from __future__ import annotations

from drafting.compare.model import CHANGED, DELETED, MOVED, UNCHANGED, Entry


def entry(status: str = CHANGED, old=("sec_1",), new=("sec_1",), **kw) -> Entry:
    """An entry with plausible defaults: a section numbered 1. on each side that has one."""
    values = {
        "element": "section",
        "old_num": "1." if old else None,
        "new_num": "1." if new else None,
        "old_heading": None,
        "new_heading": None,
        "score": 1.0,
    }
    values.update(kw)
    return Entry(status=status, old=tuple(old), new=tuple(new), **values)


def weakened_subsection(labels: tuple[str, ...] = ("modal-weakened",)) -> Entry:
    """Subsection (a) of section 3 (now 4): "shall" became "may" and 30 days became 60."""
    return entry(
        old=("sec_3__subsec_a",),
        new=("sec_4__subsec_a",),
        old_num="(a)",
        new_num="(a)",
        diff=(
            ("=", "The officer "),
            ("-", "shall"),
            ("+", "may"),
            ("=", " report within "),
            ("-", "30"),
            ("+", "60"),
            ("=", " days."),
        ),
        labels=labels,
    )


def sample_opening(subsection_labels: tuple[str, ...] = ("modal-weakened",)) -> tuple[Entry, Entry, Entry]:
    """The first entries of the renderers' sample redline: an unchanged short title; section 3 renumbered 4, its
    heading and subsection (a) reworded; the definitions moved from fifth place (section 7) to second."""
    return (
        entry(
            UNCHANGED,
            old_heading="Short title",
            new_heading="Short title",
            diff=(("=", "This Act may be cited as the Moratorium Act."),),
        ),
        entry(
            old=("sec_3",),
            new=("sec_4",),
            old_num="3.",
            new_num="4.",
            renumbered=True,
            old_heading="Warrants",
            new_heading="Warrant requirement",
            heading_diff=(("=", "Warrant"), ("-", "s"), ("+", " requirement")),
            children=(weakened_subsection(subsection_labels),),
        ),
        entry(
            MOVED,
            old=("sec_7",),
            new=("sec_2",),
            old_num="7.",
            new_num="2.",
            renumbered=True,
            old_position=5,
            new_position=2,
            old_heading="Definitions",
            new_heading="Definitions",
            diff=(("=", "In this Act, "), ("+", '"agency" means any agency; ')),
        ),
    )


def deleted_sunset(text: str = "This Act expires in 2030.") -> Entry:
    """Section 8, "Sunset", deleted."""
    return entry(DELETED, old=("sec_8",), new=(), old_num="8.", old_heading="Sunset", diff=(("-", text),))

"""PURE. Three-way merge of two edits of one document, provision by provision.

`base` is the version a drafter started from, `mine` the drafter's unsaved document, `theirs` the latest stored
version (someone else saved first). The units of the merge are the top-level provisions of the body, and the other
parts of the document element (preface, preamble, conclusions, ...) each as a whole; <meta> is theirs.

- `items`: what a merge reports (MergeItem, MergeSide, Merge), the kinds of item and the sides;
- `units`: the units of one document and their canonical comparison (content apart from number and eId);
- `plan`: pairing base with mine and with theirs, and classifying each item by what each side did to it;
- `document`: building the merged document from theirs and the chosen sides;
- here: the entry points, `merge_items`, `merge` and `apply_merge`, and the check of the choices given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from lxml import etree

from drafting.errors import MergeChoiceError, MergeChoiceMissingError, UnknownMergeItemError

from .document import build_merged
from .items import BOTH_SAME, CONFLICT, KINDS, MINE, MINE_ONLY, SIDES, THEIRS, THEIRS_ONLY, Merge, MergeItem, MergeSide
from .plan import Plan, plan_merge
from .units import canonical


def merge_items(base: etree._Element, mine: etree._Element, theirs: etree._Element) -> tuple[MergeItem, ...]:
    """List what differs between the three documents, in the order of the merged document, with default choices."""
    return tuple(slot.item for slot in plan_merge(base, mine, theirs).slots)


def merge(base: etree._Element, mine: etree._Element, theirs: etree._Element,
          choices: Mapping[str, str] | None = None) -> Merge:
    """List the items with their effective choices; merge when every conflict has a choice."""
    plan = plan_merge(base, mine, theirs)
    chosen = _effective_choices(plan, choices or {})
    items = tuple(replace(slot.item, choice=chosen.get(slot.item.key)) for slot in plan.slots)
    complete = all(item.choice is not None for item in items)
    return Merge(items=items, root=build_merged(plan, chosen) if complete else None)


def apply_merge(base: etree._Element, mine: etree._Element, theirs: etree._Element,
                choices: Mapping[str, str]) -> etree._Element:
    """Return a new document: theirs, with each item's chosen side applied; every conflict needs a choice."""
    plan = plan_merge(base, mine, theirs)
    chosen = _effective_choices(plan, choices)
    missing = [slot.item.key for slot in plan.slots if slot.item.key not in chosen]
    if missing:
        raise MergeChoiceMissingError(
            f"expected a choice (mine or theirs) for every conflict, found none for {', '.join(missing)}",
            extra={"missing": missing},
        )
    return build_merged(plan, chosen)


def _effective_choices(plan: Plan, choices: Mapping[str, str]) -> dict[str, str]:
    """Return the effective choice of every item that has one; refuse unknown keys and sides."""
    known = {slot.item.key for slot in plan.slots}
    unknown = sorted(key for key in choices if key not in known)
    if unknown:
        raise UnknownMergeItemError(
            f"expected choices for items of this merge, found unknown keys: {', '.join(unknown)}",
            extra={"unknown": unknown},
        )
    for key, side in choices.items():
        if side not in SIDES:
            raise MergeChoiceError(f"expected mine or theirs as the choice for {key}, found {side!r}")
    effective = {}
    for slot in plan.slots:
        side = choices.get(slot.item.key) or slot.item.default
        if side is not None:
            effective[slot.item.key] = side
    return effective


__all__ = [
    "BOTH_SAME",
    "CONFLICT",
    "KINDS",
    "MINE",
    "MINE_ONLY",
    "SIDES",
    "THEIRS",
    "THEIRS_ONLY",
    "Merge",
    "MergeItem",
    "MergeSide",
    "apply_merge",
    "canonical",
    "merge",
    "merge_items",
]

"""Alignment of the provisions of two documents, one level at a time.

1. Provisions whose whole text (heading, own text and everything below, numbers left out) is identical pair first:
   that is how renumbered and moved provisions are found at once, whatever their eIds.
2. The rest pair by content: IDF-weighted cosine of their words, candidates found through an inverted index so the
   work stays near linear; two versions of one work add a bonus for an unchanged eId or heading.
3. An unpaired provision whose words are mostly found in two or more neighbours on the other side is a split
   (1:n) or a merge (n:1).
4. The pairs that keep their order are the longest increasing subsequence; a confident pair outside it is a move,
   an unsure one becomes a delete plus an insert flagged as a possible move.
The result is plain data (`Match`); nothing here formats anything.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .words import PLAIN

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
STOPWORDS = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "by", "for", "or", "and", "any", "such", "this", "that", "with", "as",
     "is", "be", "are", "at", "from", "its", "it", "which", "who", "under"]
)


@dataclass(eq=False)
class Node:
    """A provision as the aligner sees it."""

    eid: str | None
    element: str
    num: str | None
    heading: str | None
    text: str
    children: list[Node] = field(default_factory=list)
    full: str = ""  # heading, text and all descendants' text, normalised, without numbers
    _words: Counter | None = None
    _unigrams: Counter | None = None

    @property
    def unigrams(self) -> Counter:
        """Content words only: two different works phrase the same rule differently, so pairs mislead there."""
        if self._unigrams is None:
            self._unigrams = Counter(w for w in _WORD.findall(self.full.lower()) if w not in STOPWORDS)
        return self._unigrams

    @property
    def words(self) -> Counter:
        """Content words and word pairs: pairs tell apart provisions built from the same vocabulary."""
        if self._words is None:
            tokens = _WORD.findall(self.full.lower())
            counts = Counter(w for w in tokens if w not in STOPWORDS)
            counts.update(f"{a} {b}" for a, b in itertools.pairwise(tokens))
            self._words = counts
        return self._words


@dataclass(frozen=True)
class Match:
    """A pairing of old and new siblings (indices into the two lists)."""

    old: tuple[int, ...]
    new: tuple[int, ...]
    score: float
    kind: str  # "exact", "similar", "split", "merged", "deleted", "inserted"
    moved: bool = False
    possible_move: bool = False


@dataclass(frozen=True)
class Thresholds:
    """How similar two provisions must be to pair, and to be reported as a move."""

    pair: float
    move: float
    split_cover: float = 0.75
    part_containment: float = 0.6


SAME_WORK = Thresholds(pair=0.45, move=0.75)
# different works share few words even for the same rule: pair only mutual best matches, on a low floor
OTHER_WORK = Thresholds(pair=0.12, move=0.3)


CANDIDATES = 5  # similar provisions looked at for each one
NEIGHBOURHOOD = 3  # and, between versions of one work, the provisions this close to where it would have stayed
RARE_WORDS = 12  # rarest words of a provision used to find its candidates


def align(old: list[Node], new: list[Node], *, same_work: bool) -> list[Match]:
    """Pair the provisions of two sibling lists; return every old and new index exactly once."""
    thresholds = SAME_WORK if same_work else OTHER_WORK
    pairs: dict[int, tuple[int, float, str]] = {}  # old index -> (new index, score, kind)
    used_new: set[int] = set()
    _pair_exact(old, new, pairs, used_new, same_work)
    near = _Candidates()
    if same_work:
        _pair_similar(old, new, pairs, used_new, thresholds, same_work, near)
    else:
        _pair_across_works(old, new, pairs, used_new, thresholds)
    groups = _splits_and_merges(old, new, pairs, used_new, thresholds, near)
    return _order(old, new, pairs, groups, thresholds)


@dataclass
class _Candidates:
    """The most similar provisions on the other side, found while pairing (for splits and merges)."""

    of_old: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    of_new: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))


def exact_key(node: Node) -> tuple:
    """What two provisions share when they are identical all the way down: the whole text, and how it is divided
    between heading, own text and each descendant (the same words in another structure are an edit, not a copy)."""
    return node.full, (node.heading or "").translate(PLAIN), tuple(exact_key(child) for child in node.children)


def _pair_exact(old, new, pairs, used_new, same_work) -> None:
    by_text: dict[tuple, list[int]] = defaultdict(list)
    for index, node in enumerate(old):
        by_text[exact_key(node)].append(index)
    for new_index, node in enumerate(new):
        candidates = by_text.get(exact_key(node))
        if not candidates or not node.full:
            continue
        chosen = candidates[0]
        if same_work and len(candidates) > 1:
            chosen = next((i for i in candidates if old[i].eid == node.eid), chosen)
        candidates.remove(chosen)
        pairs[chosen] = (new_index, 1.0, "exact")
        used_new.add(new_index)


def _idf(old: list[Node], new: list[Node]) -> dict[str, float]:
    frequency: Counter = Counter()
    for node in (*old, *new):
        frequency.update(node.words.keys())
    total = len(old) + len(new)
    return {word: math.log(1 + total / count) for word, count in frequency.items()}


def _vector(node: Node, idf: dict[str, float]) -> tuple[dict[str, float], float]:
    vector = {word: (1 + math.log(count)) * idf[word] for word, count in node.words.items()}
    return vector, math.sqrt(sum(v * v for v in vector.values())) or 1.0


def similarity(a: Node, b: Node, idf: dict[str, float] | None = None) -> float:
    """IDF-weighted cosine similarity of two provisions' words (0..1)."""
    idf = idf or _idf([a], [b])
    va, na = _vector(a, idf)
    vb, nb = _vector(b, idf)
    if len(va) > len(vb):
        va, vb = vb, va
    return sum(weight * vb.get(word, 0.0) for word, weight in va.items()) / (na * nb)


def _pair_similar(old, new, pairs, used_new, thresholds, same_work, near: _Candidates) -> None:
    free_old = [i for i in range(len(old)) if i not in pairs]
    free_new = [j for j in range(len(new)) if j not in used_new]
    if not free_old or not free_new:
        return
    idf = _idf([old[i] for i in free_old], [new[j] for j in free_new])
    vectors_old = {i: _vector(old[i], idf) for i in free_old}
    vectors_new = {j: _vector(new[j], idf) for j in free_new}
    postings: dict[str, list[int]] = defaultdict(list)
    for j in free_new:
        for word in vectors_new[j][0]:
            postings[word].append(j)
    candidates = []
    expected = _expected_positions(len(old), pairs) if same_work else {}
    free_new_set = set(free_new)
    for i in free_old:
        vector, _ = vectors_old[i]
        # the rarest words find the candidates; common ones say little and cost much
        rare = sorted(vector, key=lambda word: (len(postings.get(word, ())) or 10**9, word))[:RARE_WORDS]
        scores: dict[int, float] = defaultdict(float)
        for word in rare:
            for j in postings.get(word, ()):
                scores[j] += vector[word] * vectors_new[j][0][word]
        best = [j for j, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:CANDIDATES]]
        for j in best:
            near.of_old[i].append(j)
            near.of_new[j].append(i)
        # a revised provision usually stays where it was: look beside the place its neighbours went
        if i in expected:
            best += [j for j in range(expected[i] - NEIGHBOURHOOD, expected[i] + NEIGHBOURHOOD + 1)
                     if j in free_new_set and j not in best]
        for j in best:
            score = similarity_from(vectors_old[i], vectors_new[j])
            # an unchanged eId or heading breaks ties between versions of one work; the score itself stays the
            # content's, so that a partial match can still be found to be a split
            rank = score + (0.1 * (old[i].eid == new[j].eid) + 0.05 * _same_heading(old[i], new[j]) if same_work
                            else 0.0)
            if rank >= thresholds.pair:
                candidates.append((rank, score, i, j))
    for _, score, i, j in sorted(candidates, key=lambda item: (-item[0], item[2], item[3])):
        if i in pairs or j in used_new:
            continue
        pairs[i] = (j, score, "similar")
        used_new.add(j)


def _heading_overlap(a: Node, b: Node) -> float:
    words_a = {w for w in _WORD.findall((a.heading or "").lower()) if w not in STOPWORDS}
    words_b = {w for w in _WORD.findall((b.heading or "").lower()) if w not in STOPWORDS}
    return len(words_a & words_b) / len(words_a | words_b) if words_a and words_b else 0.0


def _pair_across_works(old, new, pairs, used_new, thresholds) -> None:
    """Pair provisions of two different works: content-word cosine plus heading overlap, mutual best matches."""
    free_old = [i for i in range(len(old)) if i not in pairs]
    free_new = [j for j in range(len(new)) if j not in used_new]
    if not free_old or not free_new or len(free_old) * len(free_new) > 250_000:
        return
    frequency: Counter = Counter()
    for node in (*(old[i] for i in free_old), *(new[j] for j in free_new)):
        frequency.update(node.unigrams.keys())
    total = len(free_old) + len(free_new)
    idf = {word: math.log(1 + total / count) for word, count in frequency.items()}

    def vector(node):
        values = {w: (1 + math.log(c)) * idf[w] for w, c in node.unigrams.items()}
        return values, math.sqrt(sum(v * v for v in values.values())) or 1.0

    vectors_old = {i: vector(old[i]) for i in free_old}
    vectors_new = {j: vector(new[j]) for j in free_new}
    score = {
        (i, j): similarity_from(vectors_old[i], vectors_new[j]) + 0.3 * _heading_overlap(old[i], new[j])
        for i in free_old for j in free_new
    }
    best_new = {i: max(free_new, key=lambda j: (score[(i, j)], -j)) for i in free_old}
    best_old = {j: max(free_old, key=lambda i: (score[(i, j)], -i)) for j in free_new}
    for i, j in best_new.items():
        if best_old[j] == i and score[(i, j)] >= thresholds.pair:
            pairs[i] = (j, min(1.0, score[(i, j)]), "similar")
            used_new.add(j)


def _expected_positions(count: int, pairs: dict) -> dict[int, int]:
    """Where each unpaired old provision would stand in the new list if it had kept its place: just after the new
    position of the nearest paired provision before it."""
    expected, anchor_old, anchor_new = {}, -1, -1
    for i in range(count):
        if i in pairs:
            anchor_old, anchor_new = i, pairs[i][0]
        else:
            expected[i] = anchor_new + (i - anchor_old)
    return expected


def similarity_from(a: tuple[dict[str, float], float], b: tuple[dict[str, float], float]) -> float:
    (va, na), (vb, nb) = a, b
    if len(va) > len(vb):
        va, vb = vb, va
    return sum(weight * vb.get(word, 0.0) for word, weight in va.items()) / (na * nb)


def _same_heading(a: Node, b: Node) -> bool:
    return bool(a.heading) and (a.heading or "").lower() == (b.heading or "").lower()


def _containment(part: Node, whole: Node) -> float:
    """Share of a provision's words that are found in another."""
    words = part.words
    total = sum(words.values())
    if not total:
        return 0.0
    return sum(min(count, whole.words.get(word, 0)) for word, count in words.items()) / total


def _covered(whole: Node, parts: list[Node]) -> float:
    union: Counter = Counter()
    for part in parts:
        union |= part.words
    total = sum(whole.words.values()) or 1
    return sum(min(count, union.get(word, 0)) for word, count in whole.words.items()) / total


def _splits_and_merges(old, new, pairs, used_new, thresholds, near: _Candidates) -> list[Match]:
    """Find 1:n splits and n:1 merges among provisions that did not pair 1:1 (or paired only partly)."""
    groups: list[Match] = []
    new_to_old = {j: i for i, (j, _, _) in pairs.items()}
    for i, whole in enumerate(old):
        if (i in pairs and pairs[i][1] >= 0.9) or i not in near.of_old:
            continue
        parts = sorted(j for j in set(near.of_old[i])
                       if (j not in used_new or new_to_old.get(j) == i)
                       and _containment(new[j], whole) >= thresholds.part_containment)
        parts = _consecutive(parts)
        if len(parts) >= 2 and _covered(whole, [new[j] for j in parts]) >= thresholds.split_cover:
            pairs.pop(i, None)
            used_new.update(parts)
            groups.append(Match((i,), tuple(parts), _covered(whole, [new[j] for j in parts]), "split"))
    claimed_old = {i for group in groups for i in group.old}
    old_to_new = {i: j for i, (j, _, _) in pairs.items()}
    for j, whole in enumerate(new):
        weak_partner = j in new_to_old and pairs.get(new_to_old[j], (0, 1.0))[1] < 0.9
        if (j in used_new and not weak_partner) or j not in near.of_new:
            continue
        parts = sorted(i for i in set(near.of_new[j])
                       if i not in claimed_old and (i not in pairs or old_to_new.get(i) == j)
                       and _containment(old[i], whole) >= thresholds.part_containment)
        parts = _consecutive(parts)
        if len(parts) >= 2 and _covered(whole, [old[i] for i in parts]) >= thresholds.split_cover:
            for i in parts:
                pairs.pop(i, None)
            used_new.add(j)
            claimed_old.update(parts)
            groups.append(Match(tuple(parts), (j,), _covered(whole, [old[i] for i in parts]), "merged"))
    return groups


def _consecutive(indices: list[int]) -> list[int]:
    """Keep the longest run of adjacent indices (a split's parts stand together)."""
    best: list[int] = []
    run: list[int] = []
    for index in indices:
        run = [*run, index] if run and index == run[-1] + 1 else [index]
        if len(run) > len(best):
            best = run
    return best


def longest_increasing(values: list[int]) -> set[int]:
    """Return the positions (in `values`) of one longest strictly increasing subsequence."""
    tails: list[int] = []
    tail_positions: list[int] = []
    previous = [-1] * len(values)
    for position, value in enumerate(values):
        slot = bisect.bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_positions.append(position)
        else:
            tails[slot] = value
            tail_positions[slot] = position
        previous[position] = tail_positions[slot - 1] if slot else -1
    kept = set()
    position = tail_positions[-1] if tail_positions else -1
    while position != -1:
        kept.add(position)
        position = previous[position]
    return kept


def _order(old, new, pairs, groups, thresholds) -> list[Match]:
    """Mark the pairs that break the order as moves (or unsure: delete + insert); add deletions and insertions."""
    matched = sorted(
        [(i, (j,), score, kind) for i, (j, score, kind) in pairs.items()]
        + [(group.old[0], group.new, group.score, group.kind) for group in groups],
        key=lambda item: item[0],
    )
    in_order = longest_increasing([item[1][0] for item in matched])
    group_by_first_old = {group.old[0]: group for group in groups}
    result: list[Match] = []
    for position, (i, js, score, kind) in enumerate(matched):
        moved = position not in in_order
        if kind in ("split", "merged"):
            group = group_by_first_old[i]
            result.append(Match(group.old, group.new, score, kind, moved=moved))
        elif moved and score < thresholds.move:
            result.append(Match((i,), (), score, "deleted", possible_move=True))
            result.append(Match((), js, score, "inserted", possible_move=True))
        else:
            result.append(Match((i,), js, score, kind, moved=moved))
    paired_old = {i for match in result for i in match.old}
    paired_new = {j for match in result for j in match.new}
    result += [Match((i,), (), 0.0, "deleted") for i in range(len(old)) if i not in paired_old]
    result += [Match((), (j,), 0.0, "inserted") for j in range(len(new)) if j not in paired_new]
    return result


def in_document_order(matches: list[Match]) -> list[Match]:
    """Order matches by the new document, each deletion placed after what preceded it in the old document."""
    placed = sorted((m for m in matches if m.new), key=lambda m: m.new[0])
    deletions = sorted((m for m in matches if not m.new), key=lambda m: m.old[0])
    if not deletions:
        return placed
    # anchor each deletion after the in-order entry that precedes it in the old document
    anchors = [(m.old[-1], position) for position, m in enumerate(placed) if m.old and not m.moved]
    anchor_olds = [old for old, _ in anchors]
    after: dict[int, list[Match]] = defaultdict(list)
    for deletion in deletions:
        slot = bisect.bisect_left(anchor_olds, deletion.old[0]) - 1
        after[anchors[slot][1] if slot >= 0 else -1].append(deletion)
    ordered = list(after.get(-1, []))
    for position, match in enumerate(placed):
        ordered.append(match)
        ordered.extend(after.get(position, []))
    return ordered

"""Alignment of the provisions of two documents, one level at a time.

1. Provisions whose whole text (heading, own text and everything below, numbers left out) is identical pair first:
   that is how renumbered and moved provisions are found at once, whatever their eIds.
2. The rest pair by content. Versions of one work: IDF-weighted cosine of their words and word pairs, candidates
   found through an inverted index so the work stays near linear, an unchanged eId or heading breaking ties.
   Different works: cosine of their content words plus the overlap of their headings, mutual best matches only.
3. An unpaired provision whose words are mostly found in two or more neighbours on the other side is a split
   (1:n) or a merge (n:1).
4. The pairs that keep their order are the longest increasing subsequence; a confident pair outside it is a move,
   an unsure one becomes a delete plus an insert flagged as a possible move.

`Aligner(old, new, same_work=...)` holds one alignment, as difflib's SequenceMatcher holds one comparison: the two
sibling lists and the thresholds (every number that decides it is in `Thresholds`) go in; `matches()` and
`matches_in_document_order()` give the result, plain data (`Match`); nothing here formats anything. Both content
passes weigh words the same way (`_idf`, `_vector`, `cosine`): IDF over the provisions still unpaired, log-scaled
counts, cosine of the two vectors.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .words import plain

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
    """Every number that decides an alignment, in one place."""

    pair: float  # the least similarity at which two provisions pair
    move: float  # the least similarity at which a pair out of order is a move (below it: a delete and an insert)
    split_cover: float = 0.75  # the share of a whole's words that its parts must cover, for a split or a merge
    part_containment: float = 0.6  # the share of a part's words that the whole must contain
    settled: float = 0.9  # a pair this similar is not taken apart to make a split or a merge
    same_eid_bonus: float = 0.1  # versions of one work: an unchanged eId ranks a candidate higher (not its score)
    same_heading_bonus: float = 0.05  # ... and so does an unchanged heading
    heading_weight: float = 0.3  # different works: the weight of the headings' word overlap in a pair's score
    candidates: int = 5  # similar provisions looked at for each one
    neighbourhood: int = 3  # versions of one work: and the provisions this close to where it would have stayed
    rare_words: int = 12  # rarest words of a provision used to find its candidates
    most_cross_pairs: int = 250_000  # different works: every pair is scored, unless there are more than this


SAME_WORK = Thresholds(pair=0.45, move=0.75)
# different works share few words even for the same rule: pair only mutual best matches, on a low floor
OTHER_WORK = Thresholds(pair=0.12, move=0.3)

Vector = tuple[dict[str, float], float]  # the IDF-weighted words of a provision, and the vector's length


def exact_key(node: Node) -> tuple:
    """What two provisions share when they are identical all the way down: the whole text, and how it is divided
    between heading, own text and each descendant (the same words in another structure are an edit, not a copy)."""
    return node.full, plain(node.heading or ""), tuple(exact_key(child) for child in node.children)


class Aligner:
    """The alignment of two sibling lists of provisions: constructed with both lists, whether they are versions of
    one work, and (optionally) other thresholds; computed once, on the first request for its matches."""

    def __init__(self, old: Sequence[Node], new: Sequence[Node], *, same_work: bool,
                 thresholds: Thresholds | None = None):
        self.old, self.new = old, new
        self.same_work = same_work
        self.thresholds = thresholds or (SAME_WORK if same_work else OTHER_WORK)
        self._pairs: dict[int, tuple[int, float, str]] = {}  # old index -> (new index, score, kind)
        self._used_new: set[int] = set()
        # the most similar provisions on the other side, found while pairing (for splits and merges)
        self._near_old: dict[int, list[int]] = defaultdict(list)
        self._near_new: dict[int, list[int]] = defaultdict(list)
        self._matches: list[Match] | None = None

    def matches(self) -> list[Match]:
        """Return the matches: every old and every new index exactly once, paired, split, merged, deleted or
        inserted; pairs, splits and merges first, by old index."""
        if self._matches is None:
            self._pair_identical()
            if self.same_work:
                self._pair_similar()
            else:
                self._pair_across_works()
            self._matches = self._order(self._splits_and_merges())
        return self._matches

    def matches_in_document_order(self) -> list[Match]:
        """Return the matches in the order of the new document, each deletion after what preceded it in the old."""
        return _in_document_order(self.matches())

    # --- pairing ---

    def _pair(self, i: int, j: int, score: float, kind: str) -> None:
        self._pairs[i] = (j, score, kind)
        self._used_new.add(j)

    def _unpaired(self) -> tuple[list[int], list[int]]:
        return ([i for i in range(len(self.old)) if i not in self._pairs],
                [j for j in range(len(self.new)) if j not in self._used_new])

    def _pair_identical(self) -> None:
        """Pair the provisions that are identical all the way down (numbers and eIds aside)."""
        by_text: dict[tuple, list[int]] = defaultdict(list)
        for index, node in enumerate(self.old):
            by_text[exact_key(node)].append(index)
        for new_index, node in enumerate(self.new):
            candidates = by_text.get(exact_key(node))
            if not candidates or not node.full:
                continue
            chosen = candidates[0]
            if self.same_work and len(candidates) > 1:
                chosen = next((i for i in candidates if self.old[i].eid == node.eid), chosen)
            candidates.remove(chosen)
            self._pair(chosen, new_index, 1.0, "exact")

    def _vectors(self, free_old: list[int], free_new: list[int],
                 counts: Callable[[Node], Counter]) -> tuple[dict[int, Vector], dict[int, Vector]]:
        """Weigh the counted words of the unpaired provisions by their IDF among them: one vector each."""
        idf = _idf([counts(self.old[i]) for i in free_old] + [counts(self.new[j]) for j in free_new])
        return ({i: _vector(counts(self.old[i]), idf) for i in free_old},
                {j: _vector(counts(self.new[j]), idf) for j in free_new})

    def _pair_similar(self) -> None:
        """Pair versions of provisions of one work by content, candidates found through an inverted index of their
        rarest words and beside the place they would have kept; an unchanged eId or heading breaks ties."""
        old, new, limits = self.old, self.new, self.thresholds
        free_old, free_new = self._unpaired()
        if not free_old or not free_new:
            return
        vectors_old, vectors_new = self._vectors(free_old, free_new, _words)
        postings: dict[str, list[int]] = defaultdict(list)
        for j in free_new:
            for word in vectors_new[j][0]:
                postings[word].append(j)
        candidates = []
        expected = self._expected_positions()
        free_new_set = set(free_new)
        for i in free_old:
            vector, _ = vectors_old[i]
            # the rarest words find the candidates; common ones say little and cost much
            rare = sorted(vector, key=lambda word: (len(postings.get(word, ())) or 10**9, word))[:limits.rare_words]
            scores: dict[int, float] = defaultdict(float)
            for word in rare:
                for j in postings.get(word, ()):
                    scores[j] += vector[word] * vectors_new[j][0][word]
            best = [j for j, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limits.candidates]]
            for j in best:
                self._near_old[i].append(j)
                self._near_new[j].append(i)
            # a revised provision usually stays where it was: look beside the place its neighbours went
            if i in expected:
                best += [j for j in range(expected[i] - limits.neighbourhood, expected[i] + limits.neighbourhood + 1)
                         if j in free_new_set and j not in best]
            for j in best:
                score = cosine(vectors_old[i], vectors_new[j])
                # an unchanged eId or heading breaks ties; the score itself stays the content's, so that a partial
                # match can still be found to be a split
                rank = score + (limits.same_eid_bonus * (old[i].eid == new[j].eid)
                                + limits.same_heading_bonus * _same_heading(old[i], new[j]))
                if rank >= limits.pair:
                    candidates.append((rank, score, i, j))
        for _, score, i, j in sorted(candidates, key=lambda item: (-item[0], item[2], item[3])):
            if i in self._pairs or j in self._used_new:
                continue
            self._pair(i, j, score, "similar")

    def _pair_across_works(self) -> None:
        """Pair provisions of two different works: content-word cosine plus heading overlap, mutual best matches."""
        old, new, limits = self.old, self.new, self.thresholds
        free_old, free_new = self._unpaired()
        if not free_old or not free_new or len(free_old) * len(free_new) > limits.most_cross_pairs:
            return
        vectors_old, vectors_new = self._vectors(free_old, free_new, _unigrams)
        score = {
            (i, j): cosine(vectors_old[i], vectors_new[j]) + limits.heading_weight * _heading_overlap(old[i], new[j])
            for i in free_old for j in free_new
        }
        best_new = {i: max(free_new, key=lambda j: (score[(i, j)], -j)) for i in free_old}
        best_old = {j: max(free_old, key=lambda i: (score[(i, j)], -i)) for j in free_new}
        for i, j in best_new.items():
            if best_old[j] == i and score[(i, j)] >= limits.pair:
                self._pair(i, j, min(1.0, score[(i, j)]), "similar")

    def _expected_positions(self) -> dict[int, int]:
        """Where each unpaired old provision would stand in the new list if it had kept its place: just after the new
        position of the nearest paired provision before it."""
        expected, anchor_old, anchor_new = {}, -1, -1
        for i in range(len(self.old)):
            if i in self._pairs:
                anchor_old, anchor_new = i, self._pairs[i][0]
            else:
                expected[i] = anchor_new + (i - anchor_old)
        return expected

    # --- splits and merges ---

    def _splits_and_merges(self) -> list[Match]:
        """Find 1:n splits and n:1 merges among provisions that did not pair 1:1 (or paired only partly)."""
        old, new, limits = self.old, self.new, self.thresholds
        pairs, used_new = self._pairs, self._used_new
        groups: list[Match] = []
        new_to_old = {j: i for i, (j, _, _) in pairs.items()}
        for i, whole in enumerate(old):
            if (i in pairs and pairs[i][1] >= limits.settled) or i not in self._near_old:
                continue
            parts = sorted(j for j in set(self._near_old[i])
                           if (j not in used_new or new_to_old.get(j) == i)
                           and _containment(new[j], whole) >= limits.part_containment)
            parts = _consecutive(parts)
            if len(parts) >= 2 and _covered(whole, [new[j] for j in parts]) >= limits.split_cover:
                pairs.pop(i, None)
                used_new.update(parts)
                groups.append(Match((i,), tuple(parts), _covered(whole, [new[j] for j in parts]), "split"))
        claimed_old = {i for group in groups for i in group.old}
        old_to_new = {i: j for i, (j, _, _) in pairs.items()}
        for j, whole in enumerate(new):
            weak_partner = j in new_to_old and pairs.get(new_to_old[j], (0, 1.0))[1] < limits.settled
            if (j in used_new and not weak_partner) or j not in self._near_new:
                continue
            parts = sorted(i for i in set(self._near_new[j])
                           if i not in claimed_old and (i not in pairs or old_to_new.get(i) == j)
                           and _containment(old[i], whole) >= limits.part_containment)
            parts = _consecutive(parts)
            if len(parts) >= 2 and _covered(whole, [old[i] for i in parts]) >= limits.split_cover:
                for i in parts:
                    pairs.pop(i, None)
                used_new.add(j)
                claimed_old.update(parts)
                groups.append(Match(tuple(parts), (j,), _covered(whole, [old[i] for i in parts]), "merged"))
        return groups

    # --- order ---

    def _order(self, groups: list[Match]) -> list[Match]:
        """Mark the pairs that break the order as moves (or unsure: delete + insert); add deletions and insertions."""
        matched = sorted(
            [(i, (j,), score, kind) for i, (j, score, kind) in self._pairs.items()]
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
            elif moved and score < self.thresholds.move:
                result.append(Match((i,), (), score, "deleted", possible_move=True))
                result.append(Match((), js, score, "inserted", possible_move=True))
            else:
                result.append(Match((i,), js, score, kind, moved=moved))
        paired_old = {i for match in result for i in match.old}
        paired_new = {j for match in result for j in match.new}
        result += [Match((i,), (), 0.0, "deleted") for i in range(len(self.old)) if i not in paired_old]
        result += [Match((), (j,), 0.0, "inserted") for j in range(len(self.new)) if j not in paired_new]
        return result


# --- word weights: written once, for both content passes ---------------------------------------------------------


def _words(node: Node) -> Counter:
    return node.words


def _unigrams(node: Node) -> Counter:
    return node.unigrams


def _idf(counts: list[Counter]) -> dict[str, float]:
    """Weigh each word by how few of the counted provisions hold it."""
    frequency: Counter = Counter()
    for words in counts:
        frequency.update(words.keys())
    total = len(counts)
    return {word: math.log(1 + total / count) for word, count in frequency.items()}


def _vector(counts: Counter, idf: dict[str, float]) -> Vector:
    """Weigh a provision's word counts (log-scaled) by their IDF; return the weights and the vector's length."""
    weights = {word: (1 + math.log(count)) * idf[word] for word, count in counts.items()}
    return weights, math.sqrt(sum(v * v for v in weights.values())) or 1.0


def cosine(a: Vector, b: Vector) -> float:
    """Return the cosine similarity of two word vectors (0..1)."""
    (va, na), (vb, nb) = a, b
    if len(va) > len(vb):
        va, vb = vb, va
    return sum(weight * vb.get(word, 0.0) for word, weight in va.items()) / (na * nb)


def _same_heading(a: Node, b: Node) -> bool:
    return bool(a.heading) and (a.heading or "").lower() == (b.heading or "").lower()


def _heading_overlap(a: Node, b: Node) -> float:
    words_a = {w for w in _WORD.findall((a.heading or "").lower()) if w not in STOPWORDS}
    words_b = {w for w in _WORD.findall((b.heading or "").lower()) if w not in STOPWORDS}
    return len(words_a & words_b) / len(words_a | words_b) if words_a and words_b else 0.0


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


def _in_document_order(matches: list[Match]) -> list[Match]:
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

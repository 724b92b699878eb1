"""PURE. Alignment of provisions, word diffs, the redline model and its renderers.

Algorithm:
- `align`: the aligner, one `Aligner` object per pair of sibling lists (exact, similar, split, merged, moved);
- `words`: the word diff, the one adapter around diff-match-patch;
- `paragraphs`: a provision's own paragraphs in the XML, diffed one by one where they line up;
- `changes`: change labels read off a word diff (modality, exceptions, numbers, deadlines, defined terms);
- `redline`: `compare()`, which builds the redline level by level from the three above.
Data:
- `model`: the redline (`Redline`, `Entry`, `ParagraphDiff`): all that any renderer shows, computed once.
Formatting (renderers only format the model):
- `wording`: what to say about an entry (diffs to show, margin notes, readable labels, counts), shared by
  `html` (inline and side by side, page or fragment) and `docx` (tracked revisions and comments);
- `akn`: the new document with AKN ins/del and passive modifications; `render`: choose a renderer by format.
Also here: `merge`, the three-way merge of two edits of one document (a package: items, units, plan, document).
"""

from .model import Entry, Redline
from .redline import compare, summary
from .render import MEDIA_TYPES, render

__all__ = ["MEDIA_TYPES", "Entry", "Redline", "compare", "render", "summary"]

// The AKN document being edited: parsing, the provisions of its body, structural edits, numbering and eIds.
// Works on an XML DOM (DOMParser), never on strings of markup; the server re-parses and validates every save.
//
// An amending bill's paragraph holds its instruction in a <mod>, and the text it inserts into another law in a
// <quotedStructure> inside it: the instruction's words are the paragraph's text, edited in place (the mod, its
// quotedText and the quoted structure stay), and the quoted structure's provisions are provisions like any other,
// named under the amending provision (as drafting/akn/eids.py does) but numbered as in the law they amend: they
// are never renumbered at the top of their quoted structure, and no provision moves into or out of one.

export const AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

// The eId rules (the prefix of every hierarchical element, how a printed number is cleaned) belong to the server,
// drafting/akn/eids.py; the editor page embeds them as JSON in <script type="application/json" id="eid-rules">.
let eidRules = null;

function rules() {
  if (!eidRules) {
    const element = globalThis.document && document.getElementById("eid-rules");
    if (!element) throw new Error("expected the eId rules in an element #eid-rules of the page, found none");
    eidRules = compileRules(JSON.parse(element.textContent));
  }
  return eidRules;
}

function classOf(characters) {
  return `[${characters.replace(/[\\\]\[^-]/g, "\\$&")}]`;
}

/** Build the number-cleaning patterns so that they match what Python's re matches with drafting/akn/eids.py's. */
function compileRules({ prefixes, number }) {
  const space = classOf(number.whitespace);
  // re.IGNORECASE: a letter, its capital and the other characters Python takes for it ("ſ" for "s")
  const letter = (char) => classOf(char + char.toUpperCase() + (number.case_variants[char] || ""));
  const words = number.leading_words.map((word) => Array.from(word, letter).join("")).join("|");
  const trimmed = classOf(number.trimmed);
  return {
    prefixes: new Map(Object.entries(prefixes)),
    separator: number.separator,
    spaces: new RegExp(`${space}+`, "u"),
    // re's \b after a word is a character that is no Unicode letter, digit or underscore (JavaScript's \b is ASCII)
    leading: new RegExp(`^(?:(?:${words})(?![\\p{L}\\p{N}_])\\.?|${classOf(number.leading_marks)}+)${space}*`, "u"),
    outerSpaces: new RegExp(`^${space}+|${space}+$`, "gu"),
    trailing: new RegExp(`${classOf(number.trailing_punctuation)}+$`, "u"),
    parts: new RegExp(`${classOf(number.brackets + number.whitespace)}+`, "u"),
    unsafe: new RegExp(`[^${classOf(number.kept).slice(1, -1)}]+`, "gu"),
    trimmed: new RegExp(`^${trimmed}+|${trimmed}+$`, "gu"),
  };
}

// The element a new child of a provision becomes when it has no children yet (US drafting usage).
const CHILD_TAG = {
  part: "section", chapter: "section", article: "section", section: "subsection", subsection: "paragraph",
  paragraph: "subparagraph", subparagraph: "clause", clause: "subclause", point: "point",
};
// The printed number of a first child, by its element.
const FIRST_NUM = {
  section: "1.", subsection: "(a)", paragraph: "(1)", subparagraph: "(A)", clause: "(i)", subclause: "(I)",
  point: "(i)",
};

export function isProvision(node) {
  return node != null && node.nodeType === 1 && node.namespaceURI === AKN_NS && rules().prefixes.has(node.localName);
}

function isAkn(node, name) {
  return node != null && node.nodeType === 1 && node.namespaceURI === AKN_NS && node.localName === name;
}

export function isQuotedStructure(node) {
  return isAkn(node, "quotedStructure");
}

/** Tell whether a provision opens a quoted structure (an amending bill's inserted text), as Provision.quoted does. */
export function isQuoted(node) {
  return isProvision(node) && isQuotedStructure(node.parentElement);
}

/** The quoted structure a node is inside (the nearest), or null. */
export function quotedStructureAround(node) {
  for (let parent = node.parentElement; parent; parent = parent.parentElement) {
    if (isQuotedStructure(parent)) return parent;
  }
  return null;
}

/** The provision whose instruction quotes the text a node is in, or null outside quoted text. */
export function amendingProvision(node) {
  const structure = quotedStructureAround(node);
  return structure ? parentProvision(structure) : null;
}

/** The quoted structures of a provision's own text (content, intro, wrapUp), not those inside another one. */
export function quotedStructuresOf(node, names = ["content", "intro", "wrapUp"]) {
  const blocks = names.map((name) => firstChild(node, name)).filter(Boolean);
  return blocks.flatMap((block) => Array.from(block.getElementsByTagNameNS(AKN_NS, "quotedStructure"))
    .filter((structure) => quotedStructureAround(structure) === null || !block.contains(quotedStructureAround(structure))));
}

/**
 * The provisions listed under a provision in the outline, in document order: those its instruction quotes (in its
 * content or intro), its children, then those quoted in its wrapUp.
 */
export function outlineChildren(node) {
  const quoted = (names) => quotedStructuresOf(node, names).flatMap(childProvisions);
  return [...quoted(["content", "intro"]), ...childProvisions(node), ...quoted(["wrapUp"])];
}

function childElements(node, name) {
  return Array.from(node.children).filter((child) => child.namespaceURI === AKN_NS && child.localName === name);
}

function firstChild(node, name) {
  return childElements(node, name)[0] || null;
}

export function childProvisions(node) {
  return Array.from(node.children).filter(isProvision);
}

export function parentProvision(node) {
  for (let parent = node.parentElement; parent; parent = parent.parentElement) {
    if (isProvision(parent)) return parent;
  }
  return null;
}

/** Parse AKN XML text; throw with the parser's message when it is not well-formed. */
export function parseDocument(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  const error = doc.getElementsByTagName("parsererror")[0];
  if (error) throw new Error(`the document is not well-formed XML: ${error.textContent.trim().slice(0, 200)}`);
  if (doc.documentElement.namespaceURI !== AKN_NS || doc.documentElement.localName !== "akomaNtoso") {
    throw new Error(`expected an akomaNtoso root element, found ${doc.documentElement.localName}`);
  }
  return doc;
}

export function serializeDocument(doc) {
  return new XMLSerializer().serializeToString(doc);
}

export function bodyOf(doc) {
  return doc.getElementsByTagNameNS(AKN_NS, "body")[0] || doc.getElementsByTagNameNS(AKN_NS, "mainBody")[0] || null;
}

export function numOf(node) {
  const num = firstChild(node, "num");
  return num ? num.textContent.replace(/\s+/g, " ").trim() : "";
}

export function headingOf(node) {
  const heading = firstChild(node, "heading");
  return heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
}

/** The paragraphs (<p>) that hold a provision's own text: its content, else its intro, then its wrapUp. */
export function ownParagraphs(node) {
  const blocks = ["content", "intro", "wrapUp"].map((name) => firstChild(node, name)).filter(Boolean);
  return blocks.flatMap((block) => childElements(block, "p"));
}

function makeElement(doc, name, text) {
  const element = doc.createElementNS(AKN_NS, name);
  if (text != null) element.textContent = text;
  return element;
}

/** Set a provision's heading; an empty heading removes the element. */
export function setHeading(node, text) {
  const value = text.replace(/\s+/g, " ").trim();
  let heading = firstChild(node, "heading");
  if (!value) {
    if (heading) heading.remove();
    return;
  }
  if (!heading) {
    heading = makeElement(node.ownerDocument, "heading");
    const num = firstChild(node, "num");
    node.insertBefore(heading, num ? num.nextSibling : node.firstChild);
  }
  heading.textContent = value;
}

/**
 * Set the text of one paragraph, keeping its inline markup (a <def>, <term> or <ref>) wherever the marked words
 * are still there, in order; markup whose words were edited away goes with them. A paragraph holding an amending
 * instruction has one text per run of words between its quoted structures (`run`, from 0): see setRunText.
 */
export function setParagraphText(p, text, run = 0) {
  if (holdsInstruction(p)) return setRunText(p, run, text);
  const value = text.replace(/\s+/g, " ").trim();
  if (value === p.textContent.replace(/\s+/g, " ").trim()) return false;
  const inline = Array.from(p.children);
  while (p.firstChild) p.firstChild.remove();
  let cursor = 0;
  for (const element of inline) {
    const words = element.textContent;
    if (!words) continue;
    const at = value.indexOf(words, cursor);
    if (at < 0) continue;
    if (at > cursor) p.append(value.slice(cursor, at));
    p.append(element);
    cursor = at + words.length;
  }
  if (cursor < value.length) p.append(value.slice(cursor));
  return true;
}

// Inline elements that hold an amending instruction's words: never dropped, their words edited inside them.
const WRAPPERS = new Set(["mod", "mmod", "rmod"]);

/** Tell whether a paragraph holds an amending instruction (a mod, or a quoted structure). */
export function holdsInstruction(p) {
  return Array.from(p.getElementsByTagNameNS(AKN_NS, "*"))
    .some((node) => WRAPPERS.has(node.localName) || node.localName === "quotedStructure");
}

/**
 * The words of a paragraph as runs between its quoted structures (n structures, n + 1 runs), each a list of
 * pieces in document order: {text} a text node; {atom} inline markup kept whole while its words stay (quotedText,
 * def, ref); {open} and {close} the edges of a wrapper (a mod) whose words are edited inside it.
 */
export function paragraphRuns(p) {
  const runs = [[]];
  const structures = [];
  const walk = (parent) => {
    for (const child of Array.from(parent.childNodes)) {
      const run = runs[runs.length - 1];
      if (child.nodeType === 3 || child.nodeType === 4) run.push({ text: child });
      else if (child.nodeType !== 1) continue; // comments and processing instructions are no words
      else if (isQuotedStructure(child)) {
        structures.push(child);
        runs.push([]);
      } else if ((child.namespaceURI === AKN_NS && WRAPPERS.has(child.localName))
          || child.getElementsByTagNameNS(AKN_NS, "quotedStructure").length) {
        run.push({ open: child });
        walk(child);
        runs[runs.length - 1].push({ close: child });
      } else run.push({ atom: child });
    }
  };
  walk(p);
  return { runs, structures };
}

function pieceWords(piece) {
  if (piece.text) return piece.text.data;
  return piece.atom ? piece.atom.textContent : "";
}

/** The words of one run of pieces, as the drafter sees them (whitespace folded). */
export function runText(pieces) {
  return pieces.map(pieceWords).join("").replace(/\s+/g, " ").trim();
}

/**
 * Share an edited text among slots: the texts between the edges of wrappers (`edges`, "open" or "close", one
 * between each two slots). Words typed at a wrapper's edge go inside it; an edge within the edit goes between the
 * words that stayed either side of it (found by a word by word comparison of the edited part).
 */
function distribute(olds, edges, value) {
  const old = olds.join("");
  let same = 0;
  while (same < old.length && same < value.length && old[same] === value[same]) same += 1;
  let tail = 0;
  while (tail < old.length - same && tail < value.length - same
    && old[old.length - 1 - tail] === value[value.length - 1 - tail]) tail += 1;
  const oldEnd = old.length - tail;
  const newEnd = value.length - tail;
  const offsets = [];
  let offset = 0;
  for (const text of olds.slice(0, -1)) {
    offset += text.length;
    offsets.push(offset);
  }
  const within = matchWords(old, value, [same, oldEnd], [same, newEnd], offsets.filter((at) => at > same && at < oldEnd));
  const result = [];
  let start = 0;
  offsets.forEach((at, index) => {
    const open = edges[index] === "open";
    let end;
    if (at < same || (at === same && (open || oldEnd > same))) end = at;
    else if (at === same) end = newEnd; // words typed at a closing edge: inside
    else if (at > oldEnd || (at === oldEnd && !open)) end = at + value.length - old.length;
    else if (at === oldEnd) end = newEnd; // words replaced just before an opening edge: outside
    else end = open ? within.get(at)[0] : within.get(at)[1];
    end = Math.max(end, start);
    result.push(value.slice(start, end));
    start = end;
  });
  result.push(value.slice(start));
  return result;
}

/**
 * Map offsets inside the edited part of a text to the edited text: for each, the end of the last word kept before
 * it and the start of the first word kept after it (words compared in order, longest common subsequence).
 */
function matchWords(old, value, [oldStart, oldEnd], [newStart, newEnd], offsets) {
  const found = new Map();
  if (!offsets.length) return found;
  const split = (text, from, to, cuts) => {
    const tokens = [];
    let begin = from;
    for (let at = from + 1; at <= to; at += 1) {
      if (at === to || cuts.includes(at) || /\s/.test(text[at]) !== /\s/.test(text[at - 1])) {
        tokens.push({ text: text.slice(begin, at), begin, end: at });
        begin = at;
      }
    }
    return tokens;
  };
  const a = split(old, oldStart, oldEnd, offsets);
  const b = split(value, newStart, newEnd, []);
  const matchedA = new Array(a.length).fill(null);
  if (a.length * b.length <= 250000) {
    const table = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
    for (let i = a.length - 1; i >= 0; i -= 1) {
      for (let j = b.length - 1; j >= 0; j -= 1) {
        table[i][j] = a[i].text === b[j].text ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
      }
    }
    for (let i = 0, j = 0; i < a.length && j < b.length;) {
      if (a[i].text === b[j].text) { matchedA[i] = b[j]; i += 1; j += 1; } else if (table[i + 1][j] >= table[i][j + 1]) i += 1;
      else j += 1;
    }
  }
  for (const at of offsets) {
    let before = newStart;
    let after = newEnd;
    a.forEach((token, index) => {
      if (!matchedA[index]) return;
      if (token.end <= at) before = matchedA[index].end;
      else if (after === newEnd && token.begin >= at) after = matchedA[index].begin;
    });
    found.set(at, [before, Math.max(before, after)]);
  }
  return found;
}

/**
 * Set the words of one run of an instruction paragraph (see paragraphRuns). The mod and the quoted structures stay
 * whatever the words. Inline markup (a def, a ref) stays while its words are there, in order, and goes with them;
 * a quotedText whose words were edited keeps the edit inside it while its first or last character stays (its words
 * typed over whole, it is no quoted text any more). The words between them go where they were typed, inside or
 * outside the mod.
 */
export function setRunText(p, index, text) {
  const value = text.replace(/\s+/g, " ").trim();
  const { runs, structures } = paragraphRuns(p);
  const pieces = runs[index];
  if (!pieces) return false;
  const old = pieces.map(pieceWords).join("").replace(/\s+/g, " ");
  if (value === old.trim()) return false;
  // the spaces that part the run from a quoted structure or the words around it stay
  // (words typed before a quoted structure where there were none are parted from it too)
  const trail = old.endsWith(" ") || (!old.trim() && index < structures.length) ? " " : "";
  const target = value ? `${old.startsWith(" ") ? " " : ""}${value}${trail}` : "";
  // inline markup stays whole where its words still are, in order; between two such, a gap of words
  const kept = new Set();
  const gaps = [];
  let cursor = 0;
  for (const piece of pieces) {
    if (!piece.atom) continue;
    const words = piece.atom.textContent.replace(/\s+/g, " ");
    const at = words.trim() ? target.indexOf(words, cursor) : -1;
    if (at < 0) continue;
    kept.add(piece);
    gaps.push([cursor, at]);
    cursor = at + words.length;
  }
  gaps.push([cursor, target.length]);
  // a quotedText whose words changed is opened: its words are edited inside it, like a mod's
  const flat = [];
  const opened = [];
  const before = []; // the words of each opened quotedText before the edit
  for (const piece of pieces) {
    const atom = piece.atom;
    if (atom && !kept.has(piece) && isAkn(atom, "quotedText")
        && Array.from(atom.childNodes).every((child) => child.nodeType === 3)) {
      opened.push(atom);
      before.push(atom.textContent.replace(/\s+/g, " ").trim());
      flat.push({ open: atom }, ...Array.from(atom.childNodes, (child) => ({ text: child })), { close: atom });
    } else flat.push(piece);
  }
  // slots: the texts between edges (kept markup, the edges of a mod or an opened quotedText), each placed after
  // the piece before it; the slots of a gap share its words
  const groups = [[]];
  const slots = [];
  let slot = { after: null, texts: [] };
  let folded = "";
  for (const piece of flat) {
    if (piece.atom && !kept.has(piece)) continue;
    if (piece.text) {
      let words = piece.text.data.replace(/\s+/g, " ");
      if (folded.endsWith(" ") && words.startsWith(" ")) words = words.slice(1);
      folded += words;
      slot.texts.push(words);
      continue;
    }
    if (piece.atom) folded += piece.atom.textContent.replace(/\s+/g, " ");
    groups[groups.length - 1].push(slot);
    slots.push(slot);
    if (piece.atom) groups.push([]);
    slot = { after: piece, texts: [] };
  }
  groups[groups.length - 1].push(slot);
  slots.push(slot);
  groups.forEach((group, number) => {
    const [from, to] = gaps[number];
    const edges = group.slice(1).map((item) => (item.after.open ? "open" : "close"));
    const shares = distribute(group.map((item) => item.texts.join("")), edges, target.slice(from, to));
    group.forEach((item, position) => { item.text = shares[position]; });
  });
  for (const piece of flat) {
    if (piece.text) piece.text.remove();
    else if (piece.atom && !kept.has(piece)) piece.atom.remove();
  }
  const doc = p.ownerDocument;
  for (const item of slots) {
    if (!item.text) continue;
    const node = doc.createTextNode(item.text);
    const after = item.after;
    if (!after && index > 0) structures[index - 1].after(node); // the run opens after this quoted structure
    else if (!after) p.prepend(node);
    else if (after.open) after.open.prepend(node);
    else (after.close || after.atom).after(node);
  }
  // an opened quotedText stays quoted text while its first or last character does (a quotation mark, a word);
  // words typed over all of it are no quoted text
  opened.forEach((atom, position) => {
    const now = atom.textContent.replace(/\s+/g, " ").trim();
    const was = before[position];
    if (now && (now[0] === was[0] || now[now.length - 1] === was[was.length - 1])) return;
    if (now) atom.replaceWith(doc.createTextNode(atom.textContent));
    else atom.remove();
  });
  return true;
}

const ROMAN_TAGS = new Set(["clause", "point", "subclause"]);

function styleOf(num) {
  // the style of a printed number: prefix, counter kind and suffix ("Section 3." -> "Section ", decimal, ".")
  let match = /^(.*?)(\d+)([^\d]*)$/.exec(num);
  if (match) return { prefix: match[1], kind: "decimal", suffix: match[3] };
  match = /^(\W*)([a-z])\2*(\W*)$/.exec(num);
  if (match) return { prefix: match[1], kind: "lower-alpha", suffix: match[3] };
  match = /^(\W*)([A-Z])\2*(\W*)$/.exec(num);
  if (match) return { prefix: match[1], kind: "upper-alpha", suffix: match[3] };
  match = /^(\W*)([ivxlcdm]+)(\W*)$/.exec(num);
  if (match) return { prefix: match[1], kind: "lower-roman", suffix: match[3] };
  match = /^(\W*)([IVXLCDM]+)(\W*)$/.exec(num);
  if (match) return { prefix: match[1], kind: "upper-roman", suffix: match[3] };
  return null;
}

/**
 * The numbering style of a run of siblings, judged from the first two numbers: "(i)" followed by "(ii)", or alone
 * in an element that US drafting numbers in roman (clause, point), is roman; "(i)" after "(h)" is a letter.
 */
function styleOfSiblings(nums, tag) {
  const first = nums.find(Boolean);
  if (!first) return null;
  const second = nums[nums.indexOf(first) + 1] || "";
  const roman = /^(\W*)([ivxlcdm]+)(\W*)$/i.exec(first);
  const romanNext = /^\W*(ii|II)\W*$/.test(second);
  const plainLetters = roman && /^(\w)\1*$/.test(roman[2]) && roman[2].length === 1;
  if (roman && (!plainLetters || /^i$/i.test(roman[2]) && (romanNext || (!second && ROMAN_TAGS.has(tag))))) {
    const upper = roman[2] === roman[2].toUpperCase();
    return { prefix: roman[1], kind: upper ? "upper-roman" : "lower-roman", suffix: roman[3] };
  }
  return styleOf(first);
}

const ROMAN = [[1000, "m"], [900, "cm"], [500, "d"], [400, "cd"], [100, "c"], [90, "xc"], [50, "l"], [40, "xl"],
  [10, "x"], [9, "ix"], [5, "v"], [4, "iv"], [1, "i"]];

function toRoman(value) {
  let rest = value;
  let text = "";
  for (const [amount, letters] of ROMAN) {
    while (rest >= amount) { text += letters; rest -= amount; }
  }
  return text;
}

function letters(value, base) {
  // a, b, ... z, aa, bb, ... (the US statutory way to go past z)
  const letter = String.fromCharCode(base + ((value - 1) % 26));
  return letter.repeat(Math.floor((value - 1) / 26) + 1);
}

export function formatNumber(style, value) {
  const counter = {
    "decimal": () => String(value),
    "lower-alpha": () => letters(value, 97),
    "upper-alpha": () => letters(value, 65),
    "lower-roman": () => toRoman(value),
    "upper-roman": () => toRoman(value).toUpperCase(),
  }[style.kind]();
  return `${style.prefix}${counter}${style.suffix}`;
}

function setNum(node, text) {
  let num = firstChild(node, "num");
  if (!num) {
    num = makeElement(node.ownerDocument, "num");
    node.insertBefore(num, node.firstChild);
  }
  num.textContent = text;
}

/** Number the children of every provision (and of the body) in their own style, in document order. */
export function renumber(container) {
  const groups = [container, ...Array.from(container.getElementsByTagNameNS(AKN_NS, "*")).filter(isProvision)];
  for (const parent of groups) {
    const children = childProvisions(parent);
    const byTag = new Map();
    for (const child of children) {
      if (!byTag.has(child.localName)) byTag.set(child.localName, []);
      byTag.get(child.localName).push(child);
    }
    for (const [tag, siblings] of byTag) {
      const nums = siblings.map(numOf);
      if (!nums.some(Boolean)) continue; // an unnumbered run stays unnumbered
      const style = styleOfSiblings(nums, tag) || styleOfSiblings([FIRST_NUM[tag] || "(1)"], tag);
      siblings.forEach((child, index) => setNum(child, formatNumber(style, index + 1)));
    }
  }
}

/** A number for a provision inserted after `previous` when printed numbers are kept ("3." -> "3A."). */
function insertedNumber(previous) {
  const num = numOf(previous);
  const match = /^(.*?)([0-9A-Za-z]+)(\W*)$/.exec(num);
  if (!match) return num;
  return /\d$/.test(match[2]) ? `${match[1]}${match[2]}A${match[3]}` : `${match[1]}${match[2]}-1${match[3]}`;
}

function newProvision(doc, tag, num) {
  const node = makeElement(doc, tag);
  if (num) node.append(makeElement(doc, "num", num));
  const content = makeElement(doc, "content");
  content.append(makeElement(doc, "p", "New text."));
  node.append(content);
  return node;
}

/** Turn a provision's <content> into an <intro> so it can hold children (the schema allows one or the other). */
function makeRoomForChildren(node) {
  const content = firstChild(node, "content");
  if (!content) return;
  const hasText = ownParagraphs(node).some((p) => p.textContent.trim());
  if (hasText) {
    const intro = makeElement(node.ownerDocument, "intro");
    while (content.firstChild) intro.append(content.firstChild);
    content.replaceWith(intro);
  } else {
    content.remove();
  }
}

/** After a provision lost its last child, give it <content> again (its intro and wrapUp become its text). */
function restoreContent(node) {
  if (!isProvision(node) || childProvisions(node).length) return;
  const doc = node.ownerDocument;
  const content = makeElement(doc, "content");
  for (const name of ["intro", "wrapUp"]) {
    const block = firstChild(node, name);
    if (!block) continue;
    while (block.firstChild) content.append(block.firstChild);
    block.remove();
  }
  if (!content.children.length) content.append(makeElement(doc, "p", "New text."));
  node.append(content);
}

function insertChild(parent, node, before) {
  if (before) {
    parent.insertBefore(node, before);
    return;
  }
  const wrapUp = firstChild(parent, "wrapUp");
  parent.insertBefore(node, wrapUp);
}

export function addSibling(node, { keepNumbers = false } = {}) {
  // the top of a quoted structure is numbered as in the law it amends, never renumbered: a new one is inserted ("3A")
  const keep = keepNumbers || isQuoted(node);
  const created = newProvision(node.ownerDocument, node.localName, keep ? insertedNumber(node) : numOf(node));
  node.parentNode.insertBefore(created, node.nextElementSibling);
  return created;
}

export function addChild(node, { keepNumbers = false } = {}) {
  const existing = childProvisions(node);
  const tag = existing.length ? existing[existing.length - 1].localName : CHILD_TAG[node.localName] || "paragraph";
  const num = existing.length
    ? (keepNumbers ? insertedNumber(existing[existing.length - 1]) : numOf(existing[existing.length - 1]))
    : FIRST_NUM[tag] || "(1)";
  makeRoomForChildren(node);
  const created = newProvision(node.ownerDocument, tag, num);
  insertChild(node, created, null);
  return created;
}

/** Add a first provision to an empty body. */
export function addTopLevel(body) {
  const created = newProvision(body.ownerDocument, "section", "1.");
  body.append(created);
  return created;
}

/** Tell whether a provision may be deleted: not the last thing a quoted structure holds (it may not be empty). */
export function canRemove(node) {
  return !(isQuotedStructure(node.parentNode) && node.parentNode.children.length === 1);
}

export function remove(node) {
  if (!canRemove(node)) return false;
  const parent = node.parentNode;
  node.remove();
  restoreContent(parent);
}

/**
 * Tell whether `node` may move into `target` (a provision, a quoted structure or the body): not into itself or one
 * of its own descendants, and not into or out of a quoted structure (the text a bill quotes is not its own).
 */
export function canMoveInto(node, target) {
  const scope = isQuotedStructure(target) ? target : quotedStructureAround(target);
  return target !== node && !node.contains(target) && scope === quotedStructureAround(node);
}

/**
 * Move a provision under `parent` (a provision or the body), before `before` (a child provision of it) or at the
 * end of its children.
 */
export function moveTo(node, parent, before = null) {
  if (!canMoveInto(node, parent)) return false;
  const oldParent = node.parentNode;
  if (isProvision(parent)) makeRoomForChildren(parent);
  insertChild(parent, node, before);
  if (oldParent !== parent) restoreContent(oldParent);
  return conformTag(node);
}

/**
 * Give a provision that moved to another level the element its new siblings use (a subsection moved into a
 * subsection becomes a paragraph); with no siblings, the element a child of its parent usually is.
 */
export function conformTag(node) {
  const parent = node.parentNode;
  const siblings = childProvisions(parent).filter((child) => child !== node);
  const tags = new Set(siblings.map((child) => child.localName));
  let tag = node.localName;
  if (tags.size === 1) [tag] = tags;
  else if (!tags.size && isProvision(parent)) tag = CHILD_TAG[parent.localName] || tag;
  if (tag === node.localName) return node;
  const renamed = node.ownerDocument.createElementNS(AKN_NS, tag);
  for (const attribute of Array.from(node.attributes)) renamed.setAttribute(attribute.name, attribute.value);
  while (node.firstChild) renamed.append(node.firstChild);
  node.replaceWith(renamed);
  // a number in the style of its new level; renumbering puts it in order
  if (numOf(renamed)) setNum(renamed, siblings.length ? numOf(siblings[siblings.length - 1]) || FIRST_NUM[tag] : FIRST_NUM[tag] || "(1)");
  return renamed;
}

export function moveUp(node) {
  const previous = previousProvision(node);
  if (!previous) return false;
  node.parentNode.insertBefore(node, previous);
  return true;
}

export function moveDown(node) {
  const next = nextProvision(node);
  if (!next) return false;
  node.parentNode.insertBefore(node, next.nextSibling);
  return true;
}

/** Make a provision the last child of the provision before it. */
export function indent(node) {
  const previous = previousProvision(node);
  if (!previous) return false;
  return moveTo(node, previous, null);
}

/** Make a provision the sibling that follows its parent. */
export function outdent(node) {
  const parent = parentProvision(node);
  if (!parent || !canMoveInto(node, parent.parentNode)) return false;
  const oldParent = node.parentNode;
  parent.parentNode.insertBefore(node, parent.nextSibling);
  restoreContent(oldParent);
  return conformTag(node);
}

function previousProvision(node) {
  let sibling = node.previousElementSibling;
  while (sibling && !isProvision(sibling)) sibling = sibling.previousElementSibling;
  return sibling;
}

function nextProvision(node) {
  let sibling = node.nextElementSibling;
  while (sibling && !isProvision(sibling)) sibling = sibling.nextElementSibling;
  return sibling;
}

/** Turn a printed number into the form used in an eId ("(B)" -> "b", "Section 3." -> "3"), as clean_num does. */
export function cleanNum(num) {
  const rule = rules();
  let text = (num || "").split(rule.spaces).filter(Boolean).join(" ");
  text = text.replace(rule.leading, "");
  text = text.replace(rule.outerSpaces, "").replace(rule.trailing, "").replace(rule.outerSpaces, "");
  text = text.split(rule.parts).filter(Boolean).join(rule.separator);
  return text.toLowerCase().replace(rule.unsafe, rule.separator).replace(rule.trimmed, "");
}

/** The eId the naming convention gives every provision of the document, unique among them (expected_eids). */
function conventionalEids(doc) {
  const { prefixes } = rules();
  const result = new Map();
  const used = new Map();
  const positions = new Map();
  for (const node of Array.from(doc.getElementsByTagNameNS(AKN_NS, "*")).filter(isProvision)) {
    const parent = parentProvision(node);
    const parentId = parent ? result.get(parent) : null;
    if (!positions.has(parent)) positions.set(parent, new Map());
    const counts = positions.get(parent);
    counts.set(node.localName, (counts.get(node.localName) || 0) + 1);
    const num = firstChild(node, "num");
    const base = `${prefixes.get(node.localName)}_${cleanNum(num && num.textContent) || counts.get(node.localName)}`;
    let candidate = parentId ? `${parentId}__${base}` : base;
    used.set(candidate, (used.get(candidate) || 0) + 1);
    if (used.get(candidate) > 1) {
      let suffix = used.get(candidate);
      while (used.has(`${candidate}_${suffix}`)) suffix += 1;
      candidate = `${candidate}_${suffix}`;
      used.set(candidate, (used.get(candidate) || 0) + 1);
    }
    result.set(node, candidate);
  }
  return result;
}

/**
 * Give every provision of the document (its body, quoted structures, attachments) the eId the server's repair_eids
 * gives it when it has none: the conventional eId, with a suffix when another element holds it already (the
 * children of a provision so suffixed keep its conventional eId as their stem, as on the server). Descendants' eIds
 * and references inside the document (href="#...") follow a renamed provision. Return the renamed eIds, old to new.
 */
export function assignEids(doc) {
  const renamed = new Map();
  // every element counts, in any namespace, as in repair_eids; the provisions' own eIds are the ones replaced
  const taken = new Set(
    Array.from(doc.getElementsByTagName("*"))
      .filter((node) => !isProvision(node) && node.getAttribute("eId"))
      .map((node) => node.getAttribute("eId")),
  );
  for (const [node, conventional] of conventionalEids(doc)) {
    let eid = conventional;
    for (let suffix = 2; taken.has(eid); suffix += 1) eid = `${conventional}_${suffix}`;
    taken.add(eid);
    const old = node.getAttribute("eId");
    if (old && old !== eid) renamed.set(old, eid);
    node.setAttribute("eId", eid);
  }
  if (renamed.size) followRenamedEids(doc, renamed);
  return renamed;
}

function followRenamedEids(doc, renamed) {
  // eIds of elements inside a renamed provision ("sec_3__intro") and references to them
  for (const node of doc.getElementsByTagNameNS(AKN_NS, "*")) {
    if (isProvision(node)) continue;
    const eid = node.getAttribute("eId");
    if (!eid) continue;
    const owner = parentProvision(node);
    const ownerOld = owner && Array.from(renamed.entries()).find(([, value]) => value === owner.getAttribute("eId"));
    if (ownerOld && eid.startsWith(`${ownerOld[0]}__`)) {
      node.setAttribute("eId", owner.getAttribute("eId") + eid.slice(ownerOld[0].length));
    }
  }
  for (const node of doc.getElementsByTagNameNS(AKN_NS, "*")) {
    const href = node.getAttribute("href");
    if (href && href.startsWith("#") && renamed.has(href.slice(1))) {
      node.setAttribute("href", `#${renamed.get(href.slice(1))}`);
    }
  }
}

/**
 * Every provision of the body in document order, with its depth (0 for top level); the provisions a provision
 * quotes are listed under it, `quoted` for those that open a quoted structure.
 */
export function outline(body) {
  const items = [];
  const walk = (parent, depth) => {
    for (const child of parent === body ? childProvisions(parent) : outlineChildren(parent)) {
      items.push({ node: child, depth, quoted: isQuoted(child) });
      walk(child, depth + 1);
    }
  };
  if (body) walk(body, 0);
  return items;
}

/** The words of an element outside the quoted structures in it (an instruction's own words). */
export function wordsOutsideQuotes(element) {
  let words = "";
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3 || child.nodeType === 4) words += child.data;
      else if (child.nodeType === 1 && !isQuotedStructure(child)) walk(child);
    }
  };
  walk(element);
  return words;
}

/** The defined terms of a document: the words of each <def> and the provision that defines it. */
export function definedTerms(doc) {
  const terms = [];
  for (const def of doc.getElementsByTagNameNS(AKN_NS, "def")) {
    const term = def.textContent.replace(/\s+/g, " ").trim();
    let owner = def.parentElement;
    while (owner && !isProvision(owner)) owner = owner.parentElement;
    if (!term || !owner) continue;
    const definition = ownParagraphs(owner).map((p) => p.textContent.replace(/\s+/g, " ").trim()).join(" ");
    terms.push({ term, definition, provision: owner });
  }
  return terms;
}

// Showing the document as a bill: provisions with their numbers, headings and text as printed, the outline, and
// the defined terms. Every piece of document text goes into the page as text (textContent), never as markup.
// An amending bill's instruction shows as its provision's text, and the text it quotes (its quoted structures)
// after it, set apart as quoted text, each quoted provision shown and edited like any other.

import {
  AKN_NS, amendingProvision, childProvisions, definedTerms, headingOf, holdsInstruction, isProvision, numOf, outline,
  paragraphRuns, runText, wordsOutsideQuotes,
} from "./akn.js";

/** Create an element with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.filter((child) => child != null && child !== false));
  return element;
}

/** The citation of a provision as a drafter says it: "2(a)(1)". */
export function citation(node) {
  const parts = [];
  for (let current = node; current && isProvision(current); current = current.parentElement) {
    const num = numOf(current).replace(/^(section|sec\.?|§)\s*/i, "").replace(/[.:]$/, "");
    if (num) parts.unshift(num);
  }
  return parts.join("") || node.getAttribute("eId") || "(unnumbered)";
}

/** What quoted text is, for a screen reader and the drafter: "quoted text inserted by 1". */
export function quotedLabel(node) {
  const amending = amendingProvision(node);
  return amending ? `quoted text inserted by ${citation(amending)}` : "quoted text";
}

/** How the editor names a provision: "section 2", "subsection 220(a) (quoted text inserted by 1)". */
export function describe(node) {
  const name = `${node.localName} ${citation(node)}`;
  return amendingProvision(node) ? `${name} (${quotedLabel(node)})` : name;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A matcher for the uses of defined terms (whole words, any case, a plural "s" allowed). */
export function termMatcher(terms) {
  const words = [...new Set(terms.map((item) => item.term))].sort((a, b) => b.length - a.length);
  if (!words.length) return null;
  return new RegExp(`\\b(${words.map(escapeRegExp).join("|")})s?\\b`, "gi");
}

function termFor(terms, words) {
  const lower = words.toLowerCase();
  return terms.find((item) => lower === item.term.toLowerCase() || lower === `${item.term.toLowerCase()}s`);
}

/**
 * Show a paragraph's text in an element again, its defined terms and their uses marked (for an instruction
 * paragraph, the words of its run `run`).
 */
export function refreshText(target, p, terms, run = 0) {
  target.replaceChildren();
  if (!holdsInstruction(p)) {
    appendMarkedText(target, Array.from(p.childNodes), terms, termMatcher(terms));
    return;
  }
  appendMarkedText(target, runParts(paragraphRuns(p).runs[run] || []), terms, termMatcher(terms));
  trimEdges(target);
}

/** Drop the spaces at the edges of a run's words (those that part it from a quoted structure stay in the XML). */
function trimEdges(element) {
  if (element.firstChild && element.firstChild.nodeType === 3) element.firstChild.data = element.firstChild.data.trimStart();
  if (element.lastChild && element.lastChild.nodeType === 3) element.lastChild.data = element.lastChild.data.trimEnd();
}

/** The nodes whose words a run of an instruction shows: its text nodes and kept inline markup. */
function runParts(pieces) {
  return pieces.map((piece) => piece.text || piece.atom).filter(Boolean);
}

/** Append the words of a paragraph's nodes to an element, its defined terms and their uses marked. */
function appendMarkedText(target, parts, terms, matcher) {
  for (const part of parts) {
    if (part.nodeType === 1 && part.namespaceURI === AKN_NS && part.localName === "def") {
      target.append(el("dfn", { class: "term-definition" }, part.textContent));
      continue;
    }
    if (part.nodeType === 1 && part.namespaceURI === AKN_NS && part.localName === "quotedText") {
      target.append(el("span", { class: "quoted-text" }, part.textContent));
      continue;
    }
    const text = part.textContent;
    if (!matcher) {
      target.append(text);
      continue;
    }
    let cursor = 0;
    for (const match of text.matchAll(matcher)) {
      const term = termFor(terms, match[0]);
      if (!term) continue;
      target.append(text.slice(cursor, match.index));
      target.append(el("span", { class: "term", title: `${term.term}: ${term.definition}` }, match[0]));
      cursor = match.index + match[0].length;
    }
    target.append(text.slice(cursor));
  }
}

function block(node, name) {
  return Array.from(node.children).find((child) => child.namespaceURI === AKN_NS && child.localName === name);
}

function paragraphsOf(node, name) {
  const container = block(node, name);
  if (!container) return [];
  return Array.from(container.children).filter((child) => child.namespaceURI === AKN_NS && child.localName === "p");
}

/** The button that shows (and hides) a provision's reading, closed: see reading.js. */
export function readingToggle(cite) {
  return el("button", {
    type: "button", class: "reading-toggle", "aria-expanded": "false", "aria-label": `Show reading of ${cite}`,
  }, "Show reading");
}

/**
 * Render the body as a bill into `container`. `bind(element, xmlNode, kind)` is called for every editable
 * element, so the editor can map what the drafter types back to the XML. `readable` gives every provision a
 * "Show reading" button (reading.js answers it).
 */
export function renderBill(container, body, { terms, bind, editable, readable = false }) {
  const matcher = termMatcher(terms);
  const fragment = document.createDocumentFragment();
  const renderProvision = (node, depth) => {
    const cite = citation(node);
    const quoted = amendingProvision(node) !== null;
    const section = el("section", {
      class: `provision depth-${Math.min(depth, 4)}${quoted ? " in-quote" : ""}`,
      id: `p-${node.getAttribute("eId") || ""}`, tabindex: "-1",
      "aria-label": `${node.localName} ${cite}`, dataset: { eid: node.getAttribute("eId") || "" },
    });
    bind(section, node, "provision");
    const num = numOf(node);
    const heading = el("span", {
      class: "heading", contenteditable: editable ? "plaintext-only" : false, role: editable ? "textbox" : false,
      "aria-label": `Heading of ${cite}`, "data-placeholder": "heading",
    }, headingOf(node));
    bind(heading, node, "heading");
    section.append(el("div", { class: "line" }, num ? el("span", { class: "num" }, num) : null, " ", heading,
      readable ? readingToggle(cite) : null));
    const textBox = (parts, extra = {}) => {
      const text = el("p", {
        class: "text", contenteditable: editable ? "plaintext-only" : false, role: editable ? "textbox" : false,
        "aria-label": `Text of ${cite}`, "aria-multiline": editable ? "true" : false, ...extra,
      });
      appendMarkedText(text, parts, terms, matcher);
      return text;
    };
    const addText = (p, into = section) => {
      if (!holdsInstruction(p)) {
        const text = textBox(Array.from(p.childNodes));
        bind(text, p, "text");
        into.append(text);
        return;
      }
      // an amending instruction: its words, run by run, and the text it quotes between them
      const { runs, structures } = paragraphRuns(p);
      runs.forEach((pieces, run) => {
        if (run === 0 || runText(pieces)) {
          const text = textBox(runParts(pieces), { class: "text instruction" });
          trimEdges(text);
          bind(text, p, "text", { run });
          into.append(text);
        }
        if (run < structures.length) into.append(renderQuoted(structures[run], depth, node));
      });
    };
    paragraphsOf(node, "content").forEach((p) => addText(p));
    paragraphsOf(node, "intro").forEach((p) => addText(p));
    for (const child of childProvisions(node)) section.append(renderProvision(child, depth + 1));
    paragraphsOf(node, "wrapUp").forEach((p) => addText(p));
    return section;
  };
  /** A quoted structure: its provisions (and any paragraphs) set apart, between its quotation marks. */
  const renderQuoted = (structure, depth, amending) => {
    const by = citation(amending);
    const group = el("div", {
      class: "quoted-structure", role: "group", "aria-label": by ? `quoted text inserted by ${by}` : "quoted text",
      dataset: { eid: structure.getAttribute("eId") || "" },
    });
    // no startQuote: the marks are printed in the text itself; endQuote defaults to startQuote
    const start = structure.getAttribute("startQuote");
    const end = structure.getAttribute("endQuote") ?? start;
    if (start) group.append(el("span", { class: "quote-mark open", "aria-hidden": "true" }, start));
    for (const child of structure.children) {
      if (isProvision(child)) group.append(renderProvision(child, depth + 1));
      else if (child.namespaceURI === AKN_NS && child.localName === "p") {
        const text = el("p", {
          class: "text", contenteditable: editable ? "plaintext-only" : false, role: editable ? "textbox" : false,
          "aria-label": by ? `Text quoted by ${by}` : "Quoted text", "aria-multiline": editable ? "true" : false,
        });
        appendMarkedText(text, Array.from(child.childNodes), terms, matcher);
        bind(text, child, "text");
        group.append(text);
      } else group.append(el("div", { class: "quoted-other" }, child.textContent));
    }
    if (end) group.append(el("span", { class: "quote-mark close", "aria-hidden": "true" }, end));
    return group;
  };
  if (body) for (const node of childProvisions(body)) fragment.append(renderProvision(node, 0));
  container.replaceChildren(fragment);
}

/**
 * Render the outline: one link per provision, indented by depth, draggable; the provisions a provision quotes
 * listed under it, marked as quoted text.
 */
export function renderOutline(list, body, { bind, selected }) {
  const items = outline(body).map(({ node, depth, quoted }) => {
    const heading = headingOf(node);
    const eid = node.getAttribute("eId") || "";
    const link = el("a", {
      href: `#p-${eid}`, class: "outline-item", draggable: "true",
      "aria-current": node === selected ? "true" : false, dataset: { eid },
    }, el("span", { class: "num" }, citation(node)), heading ? ` ${heading}` : "",
    quoted ? el("span", { class: "visually-hidden" }, ` (${quotedLabel(node)})`) : null);
    bind(link, node, "outline");
    const inQuote = amendingProvision(node) !== null;
    return el("li", { class: `depth-${Math.min(depth, 4)}${quoted ? " quoted" : ""}${inQuote ? " in-quote" : ""}` },
      link);
  });
  list.replaceChildren(...items);
}

/** The defined terms, each with its definition and the provisions that use it. */
export function termUses(doc, body) {
  const terms = definedTerms(doc);
  const provisions = outline(body).map(({ node }) => node);
  return terms.map((item) => {
    const matcher = new RegExp(`\\b${escapeRegExp(item.term)}s?\\b`, "i");
    const uses = provisions.filter((node) => node !== item.provision && ownText(node).match(matcher));
    return { ...item, uses };
  });
}

function ownText(node) {
  // an instruction's own words: the text it quotes belongs to the quoted provisions
  return ["heading", "content", "intro", "wrapUp"].map((name) => block(node, name)).filter(Boolean)
    .map(wordsOutsideQuotes).join(" ");
}

export function renderTerms(list, uses, { onJump }) {
  const items = uses.map((item) => {
    const usedIn = item.uses.length
      ? el("ul", { class: "uses" }, ...item.uses.map((node) => el("li", {}, jumpButton(node, onJump))))
      : el("p", { class: "note" }, "not used elsewhere");
    return el("li", {},
      el("details", {},
        el("summary", {}, el("dfn", { title: item.definition }, item.term), ` (${item.uses.length} use${item.uses.length === 1 ? "" : "s"})`),
        el("p", { class: "definition" }, "Defined in ", jumpButton(item.provision, onJump), ": ", item.definition),
        usedIn));
  });
  list.replaceChildren(...items);
}

export function jumpButton(node, onJump) {
  const button = el("button", { type: "button", class: "link" }, citation(node));
  if (amendingProvision(node)) button.setAttribute("aria-label", `${citation(node)} (${quotedLabel(node)})`);
  button.addEventListener("click", () => onJump(node));
  return button;
}

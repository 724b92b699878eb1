// Showing the document as a bill: provisions with their numbers, headings and text as printed, the outline, and
// the defined terms. Every piece of document text goes into the page as text (textContent), never as markup.

import { AKN_NS, childProvisions, definedTerms, headingOf, isProvision, numOf, outline } from "./akn.js";

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

/** Show a paragraph's text in an element again, its defined terms and their uses marked. */
export function refreshText(target, p, terms) {
  target.replaceChildren();
  appendMarkedText(target, p, terms, termMatcher(terms));
}

/** Append a paragraph's text to an element, its defined terms and their uses marked. */
function appendMarkedText(target, p, terms, matcher) {
  for (const part of p.childNodes) {
    if (part.nodeType === 1 && part.namespaceURI === AKN_NS && part.localName === "def") {
      target.append(el("dfn", { class: "term-definition" }, part.textContent));
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

/**
 * Render the body as a bill into `container`. `bind(element, xmlNode, kind)` is called for every editable
 * element, so the editor can map what the drafter types back to the XML.
 */
export function renderBill(container, body, { terms, bind, editable }) {
  const matcher = termMatcher(terms);
  const fragment = document.createDocumentFragment();
  const renderProvision = (node, depth) => {
    const cite = citation(node);
    const section = el("section", {
      class: `provision depth-${Math.min(depth, 4)}`, id: `p-${node.getAttribute("eId") || ""}`, tabindex: "-1",
      "aria-label": `${node.localName} ${cite}`, dataset: { eid: node.getAttribute("eId") || "" },
    });
    bind(section, node, "provision");
    const num = numOf(node);
    const heading = el("span", {
      class: "heading", contenteditable: editable ? "plaintext-only" : false, role: editable ? "textbox" : false,
      "aria-label": `Heading of ${cite}`, "data-placeholder": "heading",
    }, headingOf(node));
    bind(heading, node, "heading");
    section.append(el("div", { class: "line" }, num ? el("span", { class: "num" }, num) : null, " ", heading));
    const addText = (p) => {
      const text = el("p", {
        class: "text", contenteditable: editable ? "plaintext-only" : false, role: editable ? "textbox" : false,
        "aria-label": `Text of ${cite}`, "aria-multiline": editable ? "true" : false,
      });
      appendMarkedText(text, p, terms, matcher);
      bind(text, p, "text");
      section.append(text);
    };
    paragraphsOf(node, "content").forEach(addText);
    paragraphsOf(node, "intro").forEach(addText);
    for (const child of childProvisions(node)) section.append(renderProvision(child, depth + 1));
    paragraphsOf(node, "wrapUp").forEach(addText);
    return section;
  };
  if (body) for (const node of childProvisions(body)) fragment.append(renderProvision(node, 0));
  container.replaceChildren(fragment);
}

/** Render the outline: one link per provision, indented by depth, draggable. */
export function renderOutline(list, body, { bind, selected }) {
  const items = outline(body).map(({ node, depth }) => {
    const heading = headingOf(node);
    const eid = node.getAttribute("eId") || "";
    const link = el("a", {
      href: `#p-${eid}`, class: "outline-item", draggable: "true",
      "aria-current": node === selected ? "true" : false, dataset: { eid },
    }, el("span", { class: "num" }, citation(node)), heading ? ` ${heading}` : "");
    bind(link, node, "outline");
    return el("li", { class: `depth-${Math.min(depth, 4)}` }, link);
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
  return ["heading", "content", "intro", "wrapUp"].map((name) => block(node, name)).filter(Boolean)
    .map((part) => part.textContent).join(" ");
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
  button.addEventListener("click", () => onJump(node));
  return button;
}

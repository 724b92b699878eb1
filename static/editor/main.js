// The bill editor: the document as printed, edited in place; structure edits with automatic numbering and eIds;
// undo and redo; unsaved work kept in the browser until it is saved; live safeguards; merge on a conflicting save;
// each provision's reading (what the norm reader understood of it) on demand.

import * as akn from "./akn.js";
import { ApiProblem, adoptInto, loadDocumentXml, saveDocumentXml, versionOfEtag } from "./http.js";
import { MergeView } from "./merge.js";
import { Readings } from "./reading.js";
import { SafeguardsPanel } from "./safeguards.js";
import { citation, describe, el, refreshText, renderBill, renderOutline, renderTerms, termUses } from "./view.js";

const root = document.getElementById("editor");
const config = {
  documentId: Number(root.dataset.documentId),
  against: (root.dataset.against || "").split(",").filter(Boolean).map(Number),
};
const $ = (selector) => root.querySelector(selector);
const ui = {
  bill: $("#bill"),
  outline: $("#outline"),
  terms: $("#terms"),
  status: $("#status"),
  save: $("#save"),
  message: $("#message"),
  undo: $("#undo"),
  redo: $("#redo"),
  keepNumbers: $("#keep-numbers"),
  restored: $("#restored"),
  discard: $("#discard"),
  selected: $("#selected"),
  tools: $("#provision-tools"),
  moveInto: $("#move-into"),
  merge: $("#merge"),
  validity: $("#validity"),
};
const draftKey = `drafting.draft.${config.documentId}`;
const TYPING_PAUSE_MS = 1000;

const state = {
  doc: null,
  etag: null,
  baseVersion: null,
  savedXml: null, // the text of the stored version the editor is based on
  selected: null, // the XML provision the drafter works on
  undo: [],
  redo: [],
  typing: false,
  typingTimer: null,
  persistTimer: null,
};
const domToXml = new WeakMap();
const xmlToSection = new WeakMap();

function announce(text) {
  ui.status.textContent = text;
}

function xml() {
  return akn.serializeDocument(state.doc);
}

function body() {
  return akn.bodyOf(state.doc);
}

// --- keeping work: local drafts, undo and redo ------------------------------------------------------------------

function persistNow() {
  clearTimeout(state.persistTimer);
  if (!state.doc) return;
  const text = xml();
  if (text === state.savedXml) {
    localStorage.removeItem(draftKey);
    return;
  }
  localStorage.setItem(draftKey, JSON.stringify({
    xml: text, etag: state.etag, baseVersion: state.baseVersion, at: new Date().toISOString(),
  }));
}

function persistSoon() {
  clearTimeout(state.persistTimer);
  state.persistTimer = setTimeout(persistNow, 250);
}

function selectedPath() {
  return state.selected && state.selected.isConnected ? state.selected.getAttribute("eId") : null;
}

function snapshot() {
  return { xml: xml(), selected: selectedPath() };
}

/** Remember the document before a change, so undo can bring it back. */
function remember() {
  state.undo.push(snapshot());
  if (state.undo.length > 200) state.undo.shift();
  state.redo = [];
  updateButtons();
}

function restore(entry) {
  state.doc = akn.parseDocument(entry.xml);
  state.selected = entry.selected ? findByEid(entry.selected) : null;
  changed({ structure: true });
}

function undo() {
  if (!state.undo.length) return;
  endTyping();
  state.redo.push(snapshot());
  restore(state.undo.pop());
  announce("Undone.");
}

function redo() {
  if (!state.redo.length) return;
  endTyping();
  state.undo.push(snapshot());
  restore(state.redo.pop());
  announce("Redone.");
}

function endTyping() {
  clearTimeout(state.typingTimer);
  state.typing = false;
}

function updateButtons() {
  ui.undo.disabled = !state.undo.length;
  ui.redo.disabled = !state.redo.length;
  const dirty = state.doc && xml() !== state.savedXml;
  ui.save.disabled = !dirty;
  root.classList.toggle("dirty", Boolean(dirty));
}

// --- rendering ----------------------------------------------------------------------------------------------------

function findByEid(eid) {
  if (!eid) return null;
  return Array.from(body().getElementsByTagNameNS(akn.AKN_NS, "*"))
    .find((node) => akn.isProvision(node) && node.getAttribute("eId") === eid) || null;
}

function bind(element, node, kind, { run = 0 } = {}) {
  // run: which run of an instruction paragraph's words the element shows (see akn.paragraphRuns)
  domToXml.set(element, { node, kind, run });
  if (kind === "provision") xmlToSection.set(node, element);
}

function render() {
  const terms = termUses(state.doc, body());
  renderBill(ui.bill, body(), { terms, bind, editable: true, readable: true });
  renderOutline(ui.outline, body(), { bind, selected: state.selected });
  renderTerms(ui.terms, terms, { onJump: focusProvision });
  if (!body() || !akn.childProvisions(body()).length) {
    const add = el("button", { type: "button" }, "Add the first section");
    add.addEventListener("click", () => structural(() => akn.addTopLevel(body())));
    ui.bill.append(add);
  }
  renderSelection();
  readings.redrawn(readingToggleOf);
}

/** A provision's XML node and its "Show reading" button, by eId (null when the bill has no such provision). */
function readingToggleOf(eid) {
  const node = findByEid(eid);
  const section = node && xmlToSection.get(node);
  const button = section && section.querySelector(":scope > .line .reading-toggle");
  return button ? { node, button } : null;
}

function renderSelection() {
  const node = state.selected && state.selected.isConnected ? state.selected : null;
  ui.tools.hidden = !node;
  for (const section of ui.bill.querySelectorAll(".provision.selected")) section.classList.remove("selected");
  for (const item of ui.outline.querySelectorAll("[aria-current]")) item.removeAttribute("aria-current");
  if (!node) {
    ui.selected.textContent = "No provision selected: click one, or use the outline.";
    return;
  }
  const section = xmlToSection.get(node);
  if (section) section.classList.add("selected");
  const outlineItem = ui.outline.querySelector(`[data-eid="${CSS.escape(node.getAttribute("eId") || "")}"]`);
  if (outlineItem) outlineItem.setAttribute("aria-current", "true");
  ui.selected.textContent = `${describe(node)}${akn.headingOf(node) ? ` — ${akn.headingOf(node)}` : ""}`;
  const options = [el("option", { value: "" }, "Move into…")];
  // quoted text moves only within its quoted structure, and nothing moves into one
  if (akn.canMoveInto(state.selected, body())) options.push(el("option", { value: "body" }, "the top level"));
  for (const { node: candidate } of akn.outline(body())) {
    if (!akn.canMoveInto(state.selected, candidate) || candidate === akn.parentProvision(state.selected)) continue;
    options.push(el("option", { value: candidate.getAttribute("eId") }, `${citation(candidate)} ${akn.headingOf(candidate)}`));
  }
  ui.moveInto.replaceChildren(...options);
}

/** After any change: numbering and eIds (for structure), the page, the local copy, the safeguards. */
function changed({ structure = false } = {}) {
  if (structure) {
    if (!ui.keepNumbers.checked) akn.renumber(body());
    akn.assignEids(state.doc);
    render();
  }
  updateButtons();
  persistSoon();
  safeguards.schedule(xml);
}

function focusProvision(node) {
  if (!node) return;
  state.selected = node;
  renderSelection();
  const section = xmlToSection.get(node);
  if (section) {
    section.scrollIntoView({ block: "center" });
    const editable = section.querySelector(":scope > .line .heading, :scope > .text");
    (editable || section).focus();
  }
}

// --- edits ---------------------------------------------------------------------------------------------------------

/**
 * Run a structure edit on the selected provision, undoably; focus what it returns (or the selection). Return
 * whether it was made (an edit that returns false is not possible where the provision stands).
 */
function structural(edit) {
  endTyping();
  remember();
  const result = edit();
  if (result === false) {
    state.undo.pop();
    updateButtons();
    announce("That move is not possible here.");
    return false;
  }
  if (result && akn.isProvision(result)) state.selected = result;
  changed({ structure: true });
  focusProvision(state.selected);
  announce(`${citation(state.selected)} ${akn.headingOf(state.selected)}`.trim());
  return true;
}

const actions = {
  "add-sibling": () => akn.addSibling(state.selected, { keepNumbers: ui.keepNumbers.checked }),
  "add-child": () => akn.addChild(state.selected, { keepNumbers: ui.keepNumbers.checked }),
  "move-up": () => akn.moveUp(state.selected),
  "move-down": () => akn.moveDown(state.selected),
  indent: () => akn.indent(state.selected),
  outdent: () => akn.outdent(state.selected),
  delete: () => {
    const node = state.selected;
    if (!akn.canRemove(node)) return false; // a quoted structure may not be left empty
    const next = node.nextElementSibling && akn.isProvision(node.nextElementSibling) ? node.nextElementSibling : null;
    const parent = akn.parentProvision(node);
    akn.remove(node);
    state.selected = next || parent || akn.childProvisions(body())[0] || null;
    return state.selected;
  },
};

function runAction(name) {
  if (!state.selected || !state.selected.isConnected || !actions[name]) return;
  const label = citation(state.selected);
  if (structural(actions[name]) && name === "delete") announce(`Deleted ${label}.`);
}

function onInput(event) {
  const bound = domToXml.get(event.target);
  if (!bound || (bound.kind !== "heading" && bound.kind !== "text")) return;
  if (!state.typing) {
    remember();
    state.typing = true;
  }
  clearTimeout(state.typingTimer);
  state.typingTimer = setTimeout(endTyping, TYPING_PAUSE_MS);
  const text = event.target.textContent;
  if (bound.kind === "heading") akn.setHeading(bound.node, text);
  else {
    akn.setParagraphText(bound.node, text, bound.run);
    const provision = akn.parentProvision(bound.node);
    if (provision) readings.changed(provision);
  }
  changed();
}

function provisionOf(element) {
  const section = element.closest(".provision, .outline-item");
  const bound = section && domToXml.get(section);
  return bound ? bound.node : null;
}

function onFocusIn(event) {
  const node = provisionOf(event.target);
  if (node && node !== state.selected) {
    endTyping();
    state.selected = node;
    renderSelection();
  }
}

function onFocusOut(event) {
  // refresh the defined-term marks of a paragraph once the drafter leaves it
  const bound = domToXml.get(event.target);
  if (bound && bound.kind === "text" && event.target.dataset.edited) {
    delete event.target.dataset.edited;
    const terms = termUses(state.doc, body());
    refreshText(event.target, bound.node, terms, bound.run);
    renderTerms(ui.terms, terms, { onJump: focusProvision });
  }
}

function onKeyDown(event) {
  const key = event.key;
  const mod = event.ctrlKey || event.metaKey;
  if (mod && !event.altKey && key.toLowerCase() === "z") {
    event.preventDefault();
    if (event.shiftKey) redo();
    else undo();
    return;
  }
  if (mod && !event.altKey && key.toLowerCase() === "y") {
    event.preventDefault();
    redo();
    return;
  }
  if (mod && key.toLowerCase() === "s") {
    event.preventDefault();
    save();
    return;
  }
  const editable = domToXml.get(event.target);
  if (editable && (editable.kind === "heading" || editable.kind === "text") && key === "Enter" && !event.altKey) {
    event.preventDefault(); // one provision, one paragraph: Alt+Enter adds the next provision
    return;
  }
  if (!state.selected) return;
  const shortcuts = {
    "Alt+ArrowUp": "move-up", "Alt+ArrowDown": "move-down", "Alt+Shift+ArrowRight": "indent",
    "Alt+Shift+ArrowLeft": "outdent", "Alt+Enter": "add-sibling", "Alt+Shift+Enter": "add-child",
  };
  const name = `${event.altKey ? "Alt+" : ""}${event.shiftKey ? "Shift+" : ""}${key}`;
  if (shortcuts[name]) {
    event.preventDefault();
    runAction(shortcuts[name]);
  }
}

// --- drag and drop in the outline ----------------------------------------------------------------------------------

let dragged = null;

function dropPlace(event, target) {
  const box = target.getBoundingClientRect();
  const offset = (event.clientY - box.top) / box.height;
  return offset < 0.3 ? "before" : offset > 0.7 ? "after" : "into";
}

function clearDropMarks() {
  for (const item of ui.outline.querySelectorAll("[data-drop]")) delete item.dataset.drop;
}

function setUpDragAndDrop() {
  ui.outline.addEventListener("dragstart", (event) => {
    const item = event.target.closest(".outline-item");
    dragged = item ? domToXml.get(item).node : null;
    if (!dragged) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("eId") || "");
  });
  ui.outline.addEventListener("dragover", (event) => {
    const item = event.target.closest(".outline-item");
    if (!dragged || !item) return;
    const target = domToXml.get(item).node;
    if (!akn.canMoveInto(dragged, target)) return;
    event.preventDefault();
    clearDropMarks();
    item.dataset.drop = dropPlace(event, item);
  });
  ui.outline.addEventListener("dragleave", clearDropMarks);
  ui.outline.addEventListener("drop", (event) => {
    const item = event.target.closest(".outline-item");
    clearDropMarks();
    if (!dragged || !item) return;
    event.preventDefault();
    const node = dragged;
    const target = domToXml.get(item).node;
    const place = dropPlace(event, item);
    dragged = null;
    if (!akn.canMoveInto(node, target)) return;
    state.selected = node;
    structural(() => {
      if (place === "into") return akn.moveTo(node, target, null);
      return akn.moveTo(node, target.parentNode, place === "before" ? target : target.nextElementSibling);
    });
  });
  ui.outline.addEventListener("dragend", () => { dragged = null; clearDropMarks(); });
  ui.outline.addEventListener("click", (event) => {
    const item = event.target.closest(".outline-item");
    if (!item) return;
    event.preventDefault();
    focusProvision(domToXml.get(item).node);
  });
}

// --- saving, conflicts, adopting -----------------------------------------------------------------------------------

function showValidity(document) {
  if (!document) return;
  ui.validity.textContent = document.valid
    ? `Version ${document.version}: valid AKN 3.0`
    : `Version ${document.version}: not strictly valid AKN 3.0 (${(document.report.validation || {}).error_count ?? "some"} errors)`;
  ui.validity.className = document.valid ? "valid" : "invalid";
}

async function save() {
  if (ui.save.disabled) return;
  endTyping();
  persistNow();
  ui.save.disabled = true;
  announce("Saving…");
  try {
    const saved = await saveDocumentXml(config.documentId, xml(), state.etag, ui.message.value.trim());
    const reloaded = await loadDocumentXml(config.documentId);
    state.doc = akn.parseDocument(reloaded.xml);
    state.savedXml = xml();
    state.etag = reloaded.etag;
    state.baseVersion = versionOfEtag(reloaded.etag);
    state.selected = selectedPath() ? findByEid(selectedPath()) : null;
    localStorage.removeItem(draftKey);
    ui.message.value = "";
    ui.restored.hidden = true;
    render();
    showValidity(saved.document);
    announce(`Saved as version ${saved.document.version}.`);
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 412) {
      announce("Someone else saved first: choose what to keep.");
      try {
        await merge.open(xml(), state.baseVersion);
      } catch (failure) {
        announce(`The merge view could not open: ${failure.message}`);
      }
    } else if (error instanceof ApiProblem && error.status === 401) {
      persistNow();
      announce("Not saved: your session has ended (signed out, or your account changed). Sign in again in another "
        + "tab, then save: your changes are kept in this browser.");
    } else {
      announce(`Not saved: ${error.message}`);
    }
  } finally {
    updateButtons();
  }
}

function onMerged(result) {
  remember();
  state.doc = akn.parseDocument(result.akn);
  state.etag = `"${result.etag.replace(/^"|"$/g, "")}"`;
  state.baseVersion = result.latest_version;
  changed({ structure: true });
  announce(`Merged with version ${result.latest_version}. Review the text, then save.`);
  ui.save.focus();
}

async function adopt(suggestion) {
  announce(`Adopting ${suggestion.num} of ${suggestion.document.title}…`);
  try {
    const result = await adoptInto(xml(), suggestion.document.id, suggestion.eId);
    endTyping();
    remember();
    state.doc = akn.parseDocument(result.akn);
    state.selected = findByEid(result.adoption.eId);
    changed({ structure: true });
    focusProvision(state.selected);
    announce(`Adopted as ${citation(state.selected)}. Save to keep it.`);
  } catch (error) {
    announce(`Not adopted: ${error.message}`);
  }
}

const safeguards = new SafeguardsPanel($("#safeguards"), {
  against: config.against,
  onJump: (eid) => focusProvision(findByEid(eid)),
  onAdopt: adopt,
});
const readings = new Readings({ getXml: xml, onStatus: announce });
const merge = new MergeView(ui.merge, {
  documentId: config.documentId,
  onMerged,
  onCancel: () => announce("Not merged; your text is kept in this browser."),
});

// --- start -----------------------------------------------------------------------------------------------------------

function readLocalDraft() {
  try {
    const draft = JSON.parse(localStorage.getItem(draftKey) || "null");
    return draft && typeof draft.xml === "string" ? draft : null;
  } catch {
    return null;
  }
}

async function start() {
  const stored = await loadDocumentXml(config.documentId);
  state.doc = akn.parseDocument(stored.xml);
  state.savedXml = xml();
  state.etag = stored.etag;
  state.baseVersion = versionOfEtag(stored.etag);
  const draft = readLocalDraft();
  if (draft && draft.xml !== state.savedXml) {
    state.doc = akn.parseDocument(draft.xml);
    state.etag = draft.etag;
    state.baseVersion = draft.baseVersion;
    if (draft.etag !== stored.etag) state.savedXml = null; // a save will meet the newer version and merge
    ui.restored.querySelector("time").textContent = new Date(draft.at).toLocaleString();
    ui.restored.hidden = false;
  }
  render();
  updateButtons();
  performance.mark("drafting:bill-shown");
  safeguards.refresh(xml()).then(() => performance.mark("drafting:safeguards-shown"));
  announce(draft && !ui.restored.hidden ? "Your unsaved changes were restored." : "Ready.");
}

ui.bill.addEventListener("input", (event) => {
  event.target.dataset.edited = "1";
  onInput(event);
});
root.addEventListener("focusin", onFocusIn);
ui.bill.addEventListener("focusout", onFocusOut);
root.addEventListener("keydown", onKeyDown);
ui.bill.addEventListener("click", (event) => {
  const toggle = event.target.closest("button.reading-toggle");
  if (toggle) {
    const bound = domToXml.get(toggle.closest(".provision"));
    if (bound) readings.toggle(toggle, bound.node);
  }
  const node = provisionOf(event.target);
  if (node && node !== state.selected) {
    state.selected = node;
    renderSelection();
  }
});
ui.tools.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (button) runAction(button.dataset.action);
});
ui.moveInto.addEventListener("change", () => {
  const value = ui.moveInto.value;
  if (!value || !state.selected) return;
  const target = value === "body" ? body() : findByEid(value);
  if (target) structural(() => akn.moveTo(state.selected, target, null));
});
ui.save.addEventListener("click", save);
ui.undo.addEventListener("click", undo);
ui.redo.addEventListener("click", redo);
ui.keepNumbers.addEventListener("change", () => announce(ui.keepNumbers.checked
  ? "Printed numbers are kept; new provisions take inserted numbers (3A)."
  : "Numbers follow the order of provisions."));
ui.discard.addEventListener("click", async () => {
  localStorage.removeItem(draftKey);
  ui.restored.hidden = true;
  state.undo = [];
  state.redo = [];
  await start();
  announce("Unsaved changes discarded.");
});
window.addEventListener("pagehide", persistNow);
setUpDragAndDrop();
start().catch((error) => announce(`The document could not be opened: ${error.message}`));

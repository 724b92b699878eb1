// A provision's reading, on demand: what the norm reader understood of the provision as it stands on screen (unsaved
// edits included), one line per norm (its kind in words, then the reader's line), shown under the provision's own
// words until the drafter hides it. Every piece of the reading goes into the page as text.

import { readingOf } from "./http.js";
import { citation, el } from "./view.js";

const KIND_WORDS = {
  "safe-harbour": "safe harbour",
  "sunset-or-lifting-condition": "sunset or lifting condition",
  "right-of-action": "right of action",
  "reporting-duty": "reporting duty",
  none: "not a norm",
};

/** A norm's kind as a drafter says it: "prohibition", "safe harbour", "not a norm". */
export function kindWords(kind) {
  return KIND_WORDS[kind] || String(kind || "").replace(/-/g, " ");
}

function setToggle(button, open, cite) {
  button.setAttribute("aria-expanded", open ? "true" : "false");
  button.setAttribute("aria-label", `${open ? "Hide" : "Show"} reading of ${cite}`);
  button.textContent = open ? "Hide reading" : "Show reading";
}

/** Where the reading goes: after the provision's own words, before the provisions (or quoted text) within it. */
function placeUnder(section, panel) {
  const within = Array.from(section.children).find((child) => child.matches(".provision, .quoted-structure"));
  section.insertBefore(panel, within || null);
}

export class Readings {
  /** `getXml()` gives the draft as it stands; `onStatus(text)` tells the drafter what happened. */
  constructor({ getXml, onStatus = () => {} }) {
    this.getXml = getXml;
    this.onStatus = onStatus;
    this.open = new Map(); // eId -> { node, section, button, panel, cite, controller, generation, stale }
  }

  /** Show the reading of the provision whose toggle this is, or hide it when it is shown. */
  toggle(button, node) {
    const eid = node.getAttribute("eId") || "";
    const shown = this.open.get(eid);
    if (shown && shown.panel.isConnected) this.hide(eid);
    else this.show(button, node);
  }

  show(button, node) {
    const eid = node.getAttribute("eId") || "";
    const section = button.closest(".provision");
    if (!eid || !section) return;
    this.hide(eid, { quiet: true });
    const cite = citation(node);
    const panel = el("div", {
      class: "reading", id: `reading-${eid}`, role: "region", "aria-label": `Reading of ${cite}`,
    });
    placeUnder(section, panel);
    button.setAttribute("aria-controls", panel.id);
    setToggle(button, true, cite);
    const entry = { eid, node, section, button, panel, cite, controller: null, generation: 0, stale: false };
    this.open.set(eid, entry);
    return this.read(entry);
  }

  hide(eid, { quiet = false } = {}) {
    const entry = this.open.get(eid);
    if (!entry) return;
    if (entry.controller) entry.controller.abort();
    entry.panel.remove();
    if (entry.button.isConnected) setToggle(entry.button, false, entry.cite);
    this.open.delete(eid);
    if (!quiet) this.onStatus(`Reading of ${entry.cite} hidden.`);
  }

  /** Ask for the reading of the provision as it stands now; a newer request for it cancels an older one. */
  async read(entry) {
    if (entry.controller) entry.controller.abort();
    entry.controller = new AbortController();
    const generation = ++entry.generation;
    entry.stale = false;
    entry.panel.setAttribute("aria-busy", "true");
    entry.panel.dataset.state = "reading";
    entry.panel.replaceChildren(el("p", { class: "note" }, `Reading ${entry.cite}…`));
    try {
      const result = await readingOf(this.getXml(), entry.eid, entry.controller.signal);
      if (generation !== entry.generation) return;
      this.render(entry, result.norms || []);
      entry.panel.dataset.state = "shown";
      const count = (result.norms || []).length;
      this.onStatus(count
        ? `Reading of ${entry.cite}: ${count} norm${count === 1 ? "" : "s"}.`
        : `Reading of ${entry.cite}: no operative clause.`);
    } catch (error) {
      if (error.name === "AbortError" || generation !== entry.generation) return;
      entry.panel.dataset.state = "failed";
      const again = this.againButton(entry);
      const message = error.status === 503
        ? `The server is busy; ask again in ${Number((error.problem && error.problem.retry_after) || 5)} s.`
        : `The reading could not be made: ${error.message}`;
      entry.panel.replaceChildren(el("p", { class: "error", role: "alert" }, message, " ", again));
    } finally {
      if (generation === entry.generation) entry.panel.removeAttribute("aria-busy");
    }
  }

  render(entry, norms) {
    const title = el("p", { class: "reading-title" }, `What the reader understood of ${entry.cite}`);
    if (!norms.length) {
      entry.panel.replaceChildren(title, el("p", { class: "note none" }, "no operative clause"));
      return;
    }
    const items = norms.map((norm) => el("li", {
      class: `norm kind-${String(norm.kind).replace(/[^a-z-]/g, "")}`, dataset: { eid: norm.eId || "" },
    }, el("span", { class: "kind" }, kindWords(norm.kind)), " ", el("span", { class: "words" }, norm.line)));
    entry.panel.replaceChildren(title, el("ul", { class: "norms", "aria-label": `Norms of ${entry.cite}` }, ...items));
  }

  againButton(entry) {
    const button = el("button", { type: "button", class: "read-again" }, "Read again");
    button.setAttribute("aria-label", `Read ${entry.cite} again`);
    button.addEventListener("click", () => this.read(entry));
    return button;
  }

  /**
   * The words of `provision` changed: a reading shown of it, of a provision within it (whose lead-in it may be) or
   * of one that holds it no longer says what the text says. Mark it so, with a way to read it again.
   */
  changed(provision) {
    for (const entry of this.open.values()) {
      if (entry.stale || !entry.panel.isConnected || entry.panel.dataset.state !== "shown") continue;
      if (!entry.node.contains(provision) && !provision.contains(entry.node)) continue;
      entry.stale = true;
      entry.panel.dataset.state = "stale";
      entry.panel.prepend(el("p", { class: "note stale" }, "The text has changed since this reading. ",
        this.againButton(entry)));
    }
  }

  /**
   * The bill was drawn again (a structure edit, undo, a save): show again, read afresh, each reading that was open
   * whose provision is still there; `find(eId)` gives the provision's XML node and its toggle, or null.
   */
  redrawn(find) {
    const entries = Array.from(this.open.values());
    this.open.clear();
    for (const entry of entries) {
      if (entry.controller) entry.controller.abort();
      const found = find(entry.eid);
      if (found) this.show(found.button, found.node);
    }
  }
}

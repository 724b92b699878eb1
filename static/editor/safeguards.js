// The live safeguards panel: the findings for the text as it stands, each linked to its provision, and for a
// safeguard the draft lacks or provides weakly, the language of the ordinances that provide it, to adopt.

import { safeguardsOf } from "./http.js";
import { el } from "./view.js";

const STATUS_WORDS = { present: "present", weak: "weak", absent: "absent" };

export class SafeguardsPanel {
  constructor(container, { against, onJump, onAdopt, onStatus, delay = 400 }) {
    this.container = container;
    this.against = against;
    this.onJump = onJump;
    this.onAdopt = onAdopt;
    this.onStatus = onStatus;
    this.delay = delay;
    this.timer = null;
    this.controller = null;
    this.generation = 0;
  }

  /** Ask for fresh findings once typing has stopped for `delay` ms; a newer request cancels an older one. */
  schedule(getXml) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(getXml()), this.delay);
  }

  async refresh(xml) {
    if (this.controller) this.controller.abort();
    this.controller = new AbortController();
    const generation = ++this.generation;
    this.container.setAttribute("aria-busy", "true");
    try {
      const result = await safeguardsOf(xml, this.against, this.controller.signal);
      if (generation !== this.generation) return;
      this.render(result);
      this.container.dataset.generation = String(generation);
    } catch (error) {
      if (error.name === "AbortError") return;
      if (error.status === 503 && generation === this.generation) {
        // the server is busy with other heavy work: check this text again when it says to
        const seconds = Number((error.problem && error.problem.retry_after) || 5);
        this.container.replaceChildren(el("p", { class: "note", role: "status" },
          `The server is busy; the safeguards are checked again in ${seconds} s.`));
        this.timer = setTimeout(() => this.refresh(xml), seconds * 1000);
        return;
      }
      this.container.replaceChildren(el("p", { class: "error", role: "alert" },
        `The safeguards could not be checked: ${error.message}`));
    } finally {
      if (generation === this.generation) this.container.removeAttribute("aria-busy");
    }
  }

  render(result) {
    const suggestions = new Map();
    for (const comparison of result.comparison || []) {
      for (const suggestion of comparison.suggestions || []) {
        if (!suggestion.eId) continue;
        if (!suggestions.has(suggestion.safeguard)) suggestions.set(suggestion.safeguard, []);
        suggestions.get(suggestion.safeguard).push({ ...suggestion, document: comparison.document });
      }
    }
    const counts = { present: 0, weak: 0, absent: 0 };
    const items = result.findings.map((finding) => {
      counts[finding.status] = (counts[finding.status] || 0) + 1;
      return this.renderFinding(finding, suggestions.get(finding.safeguard) || []);
    });
    const summary = el("p", { class: "summary" },
      `${counts.present} present, ${counts.weak} weak, ${counts.absent} absent`);
    this.container.replaceChildren(summary, el("ul", { class: "findings" }, ...items));
  }

  renderFinding(finding, suggestions) {
    const evidence = (finding.evidence || []).map((item) => {
      const button = el("button", { type: "button", class: "link", title: item.quote }, item.num || item.eId);
      button.addEventListener("click", () => this.onJump(item.eId));
      return el("li", {}, button);
    });
    const offered = finding.status === "present" ? [] : suggestions.map((suggestion) => {
      const adopt = el("button", { type: "button", class: "adopt" }, "Adopt");
      adopt.setAttribute("aria-label", `Adopt ${suggestion.num} of ${suggestion.document.title}`);
      adopt.addEventListener("click", () => this.onAdopt(suggestion));
      return el("li", { class: "suggestion" },
        el("p", {}, el("strong", {}, `${suggestion.document.title} ${suggestion.num}`), ": ", el("q", {}, suggestion.quote)),
        adopt);
    });
    return el("li", { class: `finding status-${finding.status}`, dataset: { safeguard: finding.safeguard } },
      el("p", {},
        el("span", { class: `badge status-${finding.status}` }, STATUS_WORDS[finding.status] || finding.status), " ",
        el("strong", {}, finding.title)),
      el("p", { class: "reason" }, finding.reason),
      evidence.length ? el("ul", { class: "evidence", "aria-label": "provisions" }, ...evidence) : null,
      offered.length ? el("details", {}, el("summary", {}, `Suggested language (${offered.length})`),
        el("ul", { class: "suggestions" }, ...offered)) : null);
  }
}

// The merge view: someone else saved first. Show, provision by provision, what they changed and what the drafter
// changed, let the drafter choose where both changed the same provision, and never overwrite silently.

import { mergeWithLatest } from "./http.js";
import { el } from "./view.js";

const KIND_WORDS = {
  "theirs-only": "changed by the other save only",
  "mine-only": "changed by you only",
  "both-same": "changed the same way by both",
  conflict: "changed by both: choose one",
};

function sideText(side) {
  if (!side) return el("p", { class: "absent" }, "(not there)");
  const label = [side.num, side.heading].filter(Boolean).join(" ");
  return el("div", {}, label ? el("p", { class: "label" }, label) : null, el("p", {}, side.text || ""));
}

export class MergeView {
  constructor(container, { documentId, onMerged, onCancel }) {
    this.container = container;
    this.documentId = documentId;
    this.onMerged = onMerged;
    this.onCancel = onCancel;
  }

  /** Ask the service what differs between the base, the drafter's text and the latest version; show it. */
  async open(xml, baseVersion) {
    this.xml = xml;
    this.baseVersion = baseVersion;
    const result = await mergeWithLatest(this.documentId, xml, baseVersion, {});
    this.render(result);
    this.container.hidden = false;
    this.container.querySelector("h2").focus();
  }

  render(result) {
    this.latest = result.latest_version;
    const items = result.items.filter((item) => item.kind !== "both-same");
    const rows = items.map((item) => {
      const name = `choice-${item.key}`;
      const choice = (value, words) => {
        const id = `${name}-${value}`;
        const input = el("input", { type: "radio", name, id, value, checked: item.default === value,
          required: item.kind === "conflict" });
        return el("span", { class: "choice" }, input, el("label", { for: id }, words));
      };
      const side = item.mine || item.theirs || item.base;
      const label = [item.element, side && side.num, side && side.heading].filter(Boolean).join(" ") || item.key;
      return el("li", { class: `merge-item kind-${item.kind}`, dataset: { key: item.key } },
        el("h3", {}, label, " — ", KIND_WORDS[item.kind] || item.kind),
        el("p", { class: "changes" }, [
          item.theirs_change ? `they ${item.theirs_change} it` : null,
          item.mine_change ? `you ${item.mine_change} it` : null,
        ].filter(Boolean).join("; ")),
        el("div", { class: "sides" },
          el("div", { class: "side" }, el("h4", {}, "Before"), sideText(item.base)),
          el("div", { class: "side" }, el("h4", {}, `Their version ${result.latest_version}`), sideText(item.theirs)),
          el("div", { class: "side" }, el("h4", {}, "Yours"), sideText(item.mine))),
        el("fieldset", {}, el("legend", {}, `Keep for ${label}`),
          choice("theirs", "their text"), choice("mine", "your text")));
    });
    const form = el("form", { class: "merge-form" },
      rows.length ? el("ol", { class: "merge-items" }, ...rows) : el("p", {}, "Nothing to choose: the changes do not overlap."),
      el("p", { class: "error", role: "alert", hidden: true }),
      el("div", { class: "buttons" },
        el("button", { type: "submit" }, "Merge"),
        el("button", { type: "button", class: "cancel" }, "Not now")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.apply(form, result.items);
    });
    form.querySelector(".cancel").addEventListener("click", () => {
      this.container.hidden = true;
      this.onCancel();
    });
    const conflicts = result.items.filter((item) => item.kind === "conflict").length;
    this.container.replaceChildren(
      el("h2", { tabindex: "-1" }, "Someone else saved first"),
      el("p", {}, `Version ${result.latest_version} was saved after the version you started from (${this.baseVersion}). `
        + `Their changes and yours are listed provision by provision; ${conflicts} provision${conflicts === 1 ? "" : "s"} `
        + "changed on both sides need your choice. Nothing is saved until you save the merged text."),
      form);
  }

  async apply(form, items) {
    const choices = {};
    for (const item of items) {
      const picked = form.querySelector(`input[name="choice-${CSS.escape(item.key)}"]:checked`);
      if (picked) choices[item.key] = picked.value;
    }
    const error = form.querySelector(".error");
    try {
      const result = await mergeWithLatest(this.documentId, this.xml, this.baseVersion, choices, this.latest);
      if (!result.complete) {
        error.textContent = "Choose their text or yours for every provision changed on both sides.";
        error.hidden = false;
        return;
      }
      this.container.hidden = true;
      this.onMerged(result);
    } catch (problem) {
      if (problem.status === 412) {
        // yet another save came in while the drafter was choosing: show the merge against that one
        await this.open(this.xml, this.baseVersion);
        return;
      }
      error.textContent = problem.message;
      error.hidden = false;
    }
  }
}

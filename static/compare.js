// The compare page: step through the changes of the redline, and list the versions of the document chosen for the
// old side. The page works without this script (the form is a GET form; the redline is plain HTML).
//
// The redline (drafting/compare/templates/redline_parts.html, as a fragment) numbers each changed provision in
// document order: data-change="1", "2", ... with tabindex="-1"; its list of changes has one item per change with the
// same number, naming the provision and what changed. Text is only ever set with textContent, never parsed as HTML.

const NEXT_KEYS = new Set(["n", "j"]);
const PREVIOUS_KEYS = new Set(["p", "k"]);

/** Tell whether a key press belongs to a field or a widget, not to the page. */
function typing(event) {
  const target = event.target;
  if (!(target instanceof Element)) return false;
  return target.isContentEditable || target.closest("input, select, textarea, [contenteditable]") !== null;
}

/** Set up the Previous / Next change buttons and keys; return the controller, or null when there is nothing to step. */
export function setUpChangeSteps(root = document) {
  const redline = root.querySelector(".redline");
  const tools = root.querySelector("[data-change-nav]");
  const status = root.querySelector("#change-status");
  if (!redline || !tools || !status) return null;
  const changes = Array.from(redline.querySelectorAll(".entry[data-change]"));
  if (changes.length === 0) {
    status.textContent = "No changes between these versions.";
    return null;
  }
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  let current = -1;

  function describe(index) {
    const item = redline.querySelector(`nav li[data-change="${index + 1}"]`);
    const name = item?.querySelector("a")?.textContent.trim() || "a provision";
    const what = item?.querySelector(".status")?.textContent.trim();
    return `Change ${index + 1} of ${changes.length}: ${name}${what ? ` — ${what}` : ""}`;
  }

  /** Return the index of the change that holds the focus, or the last one stepped to. */
  function position() {
    const focused = document.activeElement?.closest?.(".entry[data-change]");
    const index = focused ? changes.indexOf(focused) : -1;
    return index >= 0 ? index : current;
  }

  function show(index, edge = "") {
    current = index;
    const target = changes[index];
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start", behavior: reduceMotion ? "auto" : "smooth" });
    status.textContent = `${edge}${describe(index)}`;
  }

  function step(direction) {
    const from = position();
    const to = from + direction;
    if (to < 0) {
      show(0, "There is no earlier change. ");
    } else if (to >= changes.length) {
      show(changes.length - 1, "There is no later change. ");
    } else {
      show(to);
    }
  }

  tools.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-step]") : null;
    if (button) step(button.dataset.step === "previous" ? -1 : 1);
  });
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    if (typing(event)) return;
    const key = event.key.toLowerCase();
    if (NEXT_KEYS.has(key)) {
      event.preventDefault();
      step(1);
    } else if (PREVIOUS_KEYS.has(key)) {
      event.preventDefault();
      step(-1);
    }
  });
  tools.hidden = false;
  return { count: changes.length, step };
}

/** When another document is chosen for the old side, list its versions (by the API; "latest" if that fails). */
export function setUpVersionPicker(root = document) {
  const documentPicker = root.querySelector("#against");
  const versionPicker = root.querySelector("#against_version");
  const address = versionPicker?.dataset.versionsUrl;
  if (!documentPicker || !versionPicker || !address) return;
  const label = root.querySelector('label[for="against_version"]');
  let asked = 0;

  function option(value, text) {
    const element = document.createElement("option");
    element.value = value;
    element.textContent = text;
    return element;
  }

  function describe(version) {
    const parts = [`version ${version.number}`];
    if (version.created_at) parts.push(`${String(version.created_at).slice(0, 16).replace("T", " ")} UTC`);
    if (version.author) parts.push(version.author);
    if (version.message) parts.push(version.message.length > 60 ? `${version.message.slice(0, 57)}...` : version.message);
    return parts.join(" · ");
  }

  documentPicker.addEventListener("change", async () => {
    const ask = ++asked;
    const chosen = documentPicker.selectedOptions[0];
    if (label && chosen) label.textContent = `Version of ${chosen.textContent}`;
    versionPicker.replaceChildren(option("", "latest"));
    versionPicker.disabled = true;
    try {
      const response = await fetch(address.replace("{id}", encodeURIComponent(documentPicker.value)), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const { versions } = await response.json();
      if (ask !== asked || !Array.isArray(versions) || versions.length === 0) return;
      const latest = versions[versions.length - 1];
      versionPicker.replaceChildren(
        option("", `latest (version ${latest.number})`),
        ...versions.slice().reverse().map((version) => option(String(version.number), describe(version))),
      );
    } catch {
      // the list stays at "latest": the form still works
    } finally {
      if (ask === asked) versionPicker.disabled = false;
    }
  });
}

setUpChangeSteps();
setUpVersionPicker();

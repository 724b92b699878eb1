// The import page: say what an import is doing while the browser waits, so that a long one (a large paste or file
// takes seconds on the server) never looks frozen. The page works without this script: its forms are plain POST
// forms, and this script only takes over how they are sent.
//
// Both forms (preview, then save, which imports again before it stores) are sent with XMLHttpRequest, which reports
// the bytes sent (fetch cannot): the status says "Sending… 120 KB of 480 KB (25%)", then, once every byte is sent,
// "Importing… n s" (or "Saving… n s"), counting the seconds. The answer is a whole page. When it is the form's own
// address (the preview, or the page again with an error), its <main> replaces this one and the address becomes the
// form's, as if the browser had gone there; when the server sent the browser elsewhere (the saved document, the sign-in
// page), the browser goes there. Each status is a polite live region that stays quiet for the first second, so a quick
// import is not announced at all. Text is only ever set with textContent.

const QUIET_MS = 1000;

/** Say a number of bytes as people read it (12 bytes, 64 KB, 1.5 MB). */
export function readableBytes(count) {
  if (count >= 1024 * 1024) return `${(count / (1024 * 1024)).toFixed(1)} MB`;
  if (count >= 1024) return `${Math.round(count / 1024)} KB`;
  return `${count} bytes`;
}

/** A status line that says nothing during the first second, then shows (and so announces) each new state. */
function statusLine(element) {
  let latest = "";
  let state = "quiet"; // quiet, then speaking, then stopped
  const reveal = window.setTimeout(() => {
    if (state !== "quiet") return;
    state = "speaking";
    element.textContent = latest;
  }, QUIET_MS);
  return {
    say(text) {
      latest = text;
      // the same words again would be announced again: only a change is written
      if (state === "speaking" && element.textContent !== text) element.textContent = text;
    },
    stop(text = null) {
      window.clearTimeout(reveal);
      state = "stopped";
      if (text !== null) element.textContent = text;
    },
  };
}

/** Say "Importing… n s" now and at each new second, until the returned function is called. */
function counter(say, words) {
  const started = performance.now();
  const tell = () => say(`${words}\u2026 ${Math.floor((performance.now() - started) / 1000)} s`);
  tell();
  const timer = window.setInterval(tell, 200);
  return () => window.clearInterval(timer);
}

/** Put the page the server answered in place of this one: its <main>, its title and its address. */
function showAnswer(html, url) {
  const answer = new DOMParser().parseFromString(html, "text/html");
  const main = answer.querySelector("main");
  if (!main) return false;
  document.querySelector("main").replaceWith(document.adoptNode(main));
  document.title = answer.title;
  if (url && url !== window.location.href) window.history.pushState({ imported: true }, "", url);
  const focus = document.querySelector("main .error, #preview-heading");
  if (focus) {
    focus.setAttribute("tabindex", "-1");
    focus.focus();
  }
  return true;
}

/** Send a form in the background, showing the bytes sent, then the seconds the server takes ("Importing"). */
function send(form, words) {
  const progress = form.querySelector("[data-import-progress]");
  const bar = progress.querySelector("progress");
  const line = progress.querySelector("[data-import-status]");
  const cancel = progress.querySelector("[data-import-cancel]");
  const submit = form.querySelector('button[type="submit"]');
  const status = statusLine(line);
  const request = new XMLHttpRequest();
  let phase = "sending";
  let stopCounting = () => {};

  function working() {
    if (phase !== "sending") return;
    phase = "working";
    bar.hidden = true;
    stopCounting = counter(status.say, words);
  }

  function finish(message = null) {
    phase = "done";
    stopCounting();
    status.stop(message);
    progress.classList.remove("busy");
    bar.hidden = true;
    if (cancel) cancel.hidden = true;
    submit.disabled = false;
  }

  request.upload.addEventListener("progress", (event) => {
    if (phase !== "sending" || !event.lengthComputable) return;
    bar.hidden = false;
    bar.max = event.total;
    bar.value = event.loaded;
    const percent = Math.floor((100 * event.loaded) / event.total);
    status.say(`Sending\u2026 ${readableBytes(event.loaded)} of ${readableBytes(event.total)} (${percent}%)`);
  });
  request.upload.addEventListener("load", working);
  request.addEventListener("readystatechange", () => {
    // the answer has begun: the upload is over, whatever its events said
    if (request.readyState >= XMLHttpRequest.HEADERS_RECEIVED) working();
  });
  request.addEventListener("load", () => {
    const answered = new URL(request.responseURL || form.action, window.location.href);
    if (answered.pathname !== new URL(form.action, window.location.href).pathname) {
      // sent elsewhere (the saved document, the sign-in page): go there, as the browser would have
      status.stop();
      window.location.assign(answered.href);
      return;
    }
    const type = request.getResponseHeader("Content-Type") || "";
    finish();
    if (type.startsWith("text/html") && showAnswer(request.responseText, answered.href)) return;
    line.textContent = `The server answered ${request.status} ${request.statusText}: nothing was done. Try again.`;
  });
  request.addEventListener("error", () => {
    finish("The form could not be sent (the connection failed): nothing was done. Try again.");
  });
  request.addEventListener("abort", () => finish("Import cancelled: nothing was imported."));
  if (cancel) cancel.onclick = () => request.abort();

  request.open("POST", form.action);
  submit.disabled = true;
  if (cancel) cancel.hidden = false;
  progress.classList.add("busy");
  bar.value = 0;
  line.textContent = "";
  status.say("Sending\u2026");
  request.send(new FormData(form));
}

export function setUpImport(root = document) {
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.querySelector("[data-import-progress]")) return;
    if (form.matches("form.import-form") || form.matches("form.save")) {
      event.preventDefault();
      send(form, form.matches("form.save") ? "Saving" : "Importing");
    }
  });
  // a preview this script showed has its own address: going back loads the page that address names; a page the
  // browser kept (back from the saved document) is loaded again rather than shown still saving
  window.addEventListener("popstate", () => window.location.reload());
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) window.location.reload();
  });
}

setUpImport();

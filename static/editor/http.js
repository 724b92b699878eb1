// Calls to the service's HTTP API with the browser session: the CSRF token on every change, problems as errors.

const AKN_XML = "application/akn+xml";

export class ApiProblem extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `the service answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { title: response.statusText, detail: `the service answered ${response.status}` };
  }
}

/** Send a request; resolve to the response when it is a success, else throw an ApiProblem. */
export async function request(method, url, { body, type, accept = "application/json", headers = {}, signal } = {}) {
  const sent = { Accept: accept, ...headers };
  if (method !== "GET") sent["X-CSRF-Token"] = csrfToken();
  let payload = body;
  if (body !== undefined && type === undefined) {
    sent["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  } else if (type !== undefined) {
    sent["Content-Type"] = type;
  }
  const response = await fetch(url, { method, headers: sent, body: payload, credentials: "same-origin", signal });
  if (!response.ok) throw new ApiProblem(response.status, await problemOf(response));
  return response;
}

export async function loadDocumentXml(documentId) {
  const response = await request("GET", `/api/documents/${documentId}`, { accept: AKN_XML });
  return { xml: await response.text(), etag: response.headers.get("ETag") };
}

export async function saveDocumentXml(documentId, xml, etag, message) {
  const query = message ? `?message=${encodeURIComponent(message)}` : "";
  const response = await request("PUT", `/api/documents/${documentId}${query}`, {
    body: xml, type: AKN_XML, headers: { "If-Match": etag },
  });
  return { document: await response.json(), etag: response.headers.get("ETag") };
}

export async function safeguardsOf(xml, against, signal) {
  const query = against.length ? `?against=${against.join(",")}` : "";
  const response = await request("POST", `/api/gaps${query}`, { body: xml, type: AKN_XML, signal });
  return response.json();
}

/** The reading of a provision of the draft as it stands (unsaved edits included): one record per norm. */
export async function readingOf(xml, eId, signal) {
  const response = await request("POST", `/api/norms/read?eId=${encodeURIComponent(eId)}`, {
    body: xml, type: AKN_XML, signal,
  });
  return response.json();
}

export async function adoptInto(xml, fromId, eId) {
  const response = await request("POST", "/api/adopt", { body: { akn: xml, from_id: fromId, eId } });
  return response.json();
}

/** Merge the drafter's text with the latest version; `latestVersion` makes the service refuse (412) a newer one. */
export async function mergeWithLatest(documentId, xml, baseVersion, choices, latestVersion = undefined) {
  const body = { akn: xml, base_version: baseVersion, choices };
  if (latestVersion !== undefined) body.latest_version = latestVersion;
  const response = await request("POST", `/api/documents/${documentId}/merge`, { body });
  return response.json();
}

/** The version number an ETag of this service names ("v3-..." -> 3). */
export function versionOfEtag(etag) {
  const match = /v(\d+)-/.exec(etag || "");
  return match ? Number(match[1]) : null;
}

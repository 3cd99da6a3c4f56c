// Fetching from our API, and turning an error answer into words a reader can use. The server's errors are
// JSON ({"status", "error", "message"} and sometimes "reason"); the reader sees the message, not the JSON.

/**
 * The readable part of an error answer: the server's message (with its reason when it gives one), else the
 * status line; never the raw body.
 * @param {Response} response
 * @returns {Promise<string>}
 */
export async function errorMessage(response) {
  const fallback = (response.status + " " + response.statusText).trim();
  let body;
  try {
    body = await response.json();
  } catch {
    return fallback;
  }
  if (!body || typeof body.message !== "string" || !body.message) return fallback;
  const phrase = typeof body.error === "string" && body.error ? body.error + ": " : "";
  const reason = typeof body.reason === "string" && body.reason ? " (" + body.reason + ")" : "";
  return phrase + body.message + reason;
}

/**
 * GET a JSON document of our API; a failed answer becomes an Error carrying the server's message.
 * @param {string} url
 * @returns {Promise<any>}
 */
export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(await errorMessage(response));
  return response.json();
}

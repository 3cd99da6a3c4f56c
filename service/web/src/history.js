// The query page's memory, in the browser's local storage: the query being written (a reload or a new visit
// finds it again) and the last queries run, newest first. Nothing leaves the browser.

const CURRENT = "ctlkg.query.current";
const HISTORY = "ctlkg.query.history";
const MOST = 25;

/**
 * localStorage, or null where it is refused (a private window, a sandbox).
 * @returns {Storage | null}
 */
function storage() {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** @returns {string | null} */
export function currentQuery() {
  return storage()?.getItem(CURRENT) ?? null;
}

/** @param {string} text */
export function keepCurrent(text) {
  try {
    storage()?.setItem(CURRENT, text);
  } catch {
    // full or refused: the page works without it
  }
}

/** @returns {string[]} */
export function history() {
  try {
    const kept = JSON.parse(storage()?.getItem(HISTORY) || "[]");
    return Array.isArray(kept) ? kept.filter((q) => typeof q === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Put a query that ran at the top of the history (once), keeping the newest MOST.
 * @param {string} text
 * @returns {string[]}
 */
export function remember(text) {
  const kept = [text, ...history().filter((q) => q !== text)].slice(0, MOST);
  try {
    storage()?.setItem(HISTORY, JSON.stringify(kept));
  } catch {
    // as above
  }
  return kept;
}

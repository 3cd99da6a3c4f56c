// Suggestions under a text field while a person types (an ARIA 1.2 combobox with a listbox): the header's
// search box and a named query's IRI fields use it, both asking /api/search. Items are built with
// textContent only, so a label from the graph never becomes markup.
import { element } from "./dom.js";

/**
 * @typedef {object} Found  one result of /api/search
 * @property {string} iri
 * @property {string} label
 * @property {string | null} type_label
 * @property {string | null} page
 */

let counter = 0;

/**
 * Resources matching the words, from /api/search (empty for a failed or refused search).
 * @param {string} words
 * @param {{labels?: string, limit?: number, signal?: AbortSignal}} [options]  the labels' language
 * @returns {Promise<Found[]>}
 */
export async function searchResources(words, options = {}) {
  const params = new URLSearchParams({ q: words, limit: String(options.limit || 8) });
  if (options.labels) params.set("labels", options.labels);
  const response = await fetch("/api/search?" + params.toString(),
    { headers: { Accept: "application/json" }, signal: options.signal });
  if (!response.ok) return [];
  const data = await response.json();
  return Array.isArray(data.results) ? data.results : [];
}

/**
 * Offer resources under ``input`` as it is typed in; arrows move, Enter or a click picks, Escape closes.
 * @param {HTMLInputElement} input
 * @param {{onPick: (found: Found) => void, label: string, labels?: string}} options
 */
export function attachSuggestions(input, options) {
  counter += 1;
  const list = element("ul", "suggestions");
  list.id = `suggestions-${counter}`;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", options.label);
  list.hidden = true;
  input.after(list);
  input.parentElement?.classList.add("has-suggestions");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.autocomplete = "off";

  /** @type {Found[]} */
  let shown = [];
  let chosen = -1;
  /** @type {AbortController | null} */
  let pending = null;
  /** @type {number | undefined} */
  let timer;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    chosen = -1;
  };
  /** @param {number} index */
  const choose = (index) => {
    chosen = index;
    list.querySelectorAll("li").forEach((item, at) => item.setAttribute("aria-selected", String(at === index)));
    if (index >= 0) input.setAttribute("aria-activedescendant", `${list.id}-${index}`);
    else input.removeAttribute("aria-activedescendant");
  };
  /** @param {Found} found */
  const pick = (found) => { close(); options.onPick(found); };

  /** @param {Found[]} items */
  const show = (items) => {
    shown = items;
    list.replaceChildren(...items.map((found, index) => {
      const item = element("li", "suggestion");
      item.id = `${list.id}-${index}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.append(element("span", "suggestion-label", found.label));
      if (found.type_label) item.append(element("span", "suggestion-type", found.type_label));
      // mousedown, not click: the field keeps its focus, so the list is not closed by the blur first.
      item.addEventListener("mousedown", (event) => { event.preventDefault(); pick(found); });
      return item;
    }));
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(items.length > 0));
    chosen = -1;
  };

  const ask = async () => {
    const words = input.value.trim();
    pending?.abort();
    if (!/[\p{L}\p{N}]/u.test(words)) { show([]); return; }
    pending = new AbortController();
    try {
      show(await searchResources(words, { labels: options.labels, signal: pending.signal }));
    } catch (error) {
      if (!(error instanceof DOMException && error.name === "AbortError")) show([]);
    }
  };

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      const next = chosen + step;
      choose(next < -1 ? shown.length - 1 : next >= shown.length ? -1 : next);
    } else if (event.key === "Enter" && chosen >= 0) {
      event.preventDefault();
      pick(shown[chosen]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => { window.setTimeout(close, 100); });
}

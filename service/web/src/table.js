// The results table of the query page: SPARQL JSON solutions as a table whose column heads sort it. Built with
// DOM calls and textContent, never innerHTML, so no value from the graph can become markup.
import { curie, isNumericType, localHref } from "./site.js";

/**
 * A term of the SPARQL JSON results format.
 * @typedef {{type: "uri" | "literal" | "bnode" | "typed-literal", value: string, datatype?: string,
 *            "xml:lang"?: string}} Term
 * @typedef {Record<string, Term | undefined>} Binding
 * @typedef {{n: number | null, s: string}} SortKey
 */

/**
 * @param {Term | undefined} term
 * @returns {boolean}
 */
export function isNumeric(term) {
  return Boolean(term && isNumericType(term.datatype));
}

/**
 * A cell's content: our IRIs link to our pages, others to themselves; literals carry a language or type badge.
 * @param {Term | undefined} term
 * @returns {Node}
 */
function termNode(term) {
  if (!term) return document.createTextNode("");
  if (term.type === "uri") {
    const local = localHref(term.value);
    if (!local && !/^https?:\/\//i.test(term.value)) return document.createTextNode(term.value);
    const a = document.createElement("a");
    a.href = local || term.value;
    a.textContent = curie(term.value);
    a.title = term.value;
    if (!local) { a.className = "external"; a.rel = "noopener noreferrer"; }
    return a;
  }
  const span = document.createElement("span");
  span.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
  const fragment = document.createDocumentFragment();
  fragment.appendChild(span);
  // Numbers speak for themselves; other datatypes (dates, years) and languages get a badge.
  const tag = term["xml:lang"] || (term.datatype && !isNumeric(term) ? curie(term.datatype) : "");
  if (tag) {
    const badge = document.createElement("span");
    badge.className = "tag";
    badge.textContent = tag;
    fragment.appendChild(document.createTextNode(" "));
    fragment.appendChild(badge);
  }
  return fragment;
}

/**
 * @param {Term | undefined} term
 * @returns {SortKey}
 */
function sortKey(term) {
  if (!term) return { n: null, s: "" };
  const n = isNumeric(term) ? Number(term.value) : null;
  return { n: n === null || Number.isNaN(n) ? null : n, s: term.value.toLocaleLowerCase() };
}

/**
 * Numbers as numbers when both are, else text in the reader's collation.
 * @param {SortKey} a
 * @param {SortKey} b
 * @returns {number}
 */
function compare(a, b) {
  if (a.n !== null && b.n !== null) return a.n - b.n;
  return a.s.localeCompare(b.s);
}

/** Rows shown at a time: a large answer (ten thousand rows) is paged, not drawn whole. */
export const PAGE_ROWS = 100;

/**
 * The words of the table's controls, in the reader's language (the page passes them).
 * @typedef {{filter: string, range: (first: number, last: number, total: number) => string,
 *            previous: string, next: string}} TableWords
 */

/**
 * The text a row is filtered on: every cell as it reads, IRIs both short and long.
 * @param {string[]} vars
 * @param {Binding} binding
 * @returns {string}
 */
function rowText(vars, binding) {
  return vars.map((name) => {
    const term = binding[name];
    if (!term) return "";
    return term.type === "uri" ? term.value + " " + curie(term.value) : term.value;
  }).join("\t").toLocaleLowerCase();
}

/**
 * The results as a table whose column heads sort it (click, Enter or Space), a filter over every cell, and
 * pages of PAGE_ROWS rows: sorting and filtering act on all the rows, the page shows a slice of them.
 * @param {string[]} vars
 * @param {Binding[]} bindings
 * @param {TableWords} words
 * @returns {HTMLElement}
 */
export function renderTable(vars, bindings, words) {
  const wrapper = document.createElement("div");
  wrapper.className = "result-table";
  const controls = document.createElement("div");
  controls.className = "table-controls";
  const filter = document.createElement("input");
  filter.type = "search";
  filter.className = "table-filter";
  filter.placeholder = words.filter;
  filter.setAttribute("aria-label", words.filter);
  const range = document.createElement("span");
  range.className = "table-range small muted";
  range.setAttribute("aria-live", "polite");
  const previous = document.createElement("button");
  previous.type = "button";
  previous.className = "small";
  previous.textContent = "← " + words.previous;
  const next = document.createElement("button");
  next.type = "button";
  next.className = "small";
  next.textContent = words.next + " →";
  controls.append(filter, range, previous, next);

  const table = document.createElement("table");
  table.className = "data";
  const head = table.createTHead().insertRow();
  const body = table.createTBody();
  const numeric = vars.map((name) => bindings.every((b) => !b[name] || isNumeric(b[name])));
  const texts = new Map(bindings.map((b) => [b, rowText(vars, b)]));
  let order = bindings.slice();
  let shown = order;
  let start = 0;

  const draw = () => {
    const slice = shown.slice(start, start + PAGE_ROWS);
    body.replaceChildren();
    slice.forEach((binding) => {
      const tr = body.insertRow();
      vars.forEach((name, column) => {
        const cell = tr.insertCell();
        if (numeric[column]) cell.className = "num";
        cell.appendChild(termNode(binding[name]));
      });
    });
    range.textContent = shown.length ? words.range(start + 1, start + slice.length, shown.length) : "";
    previous.disabled = start === 0;
    next.disabled = start + PAGE_ROWS >= shown.length;
    const paged = shown.length > PAGE_ROWS;
    previous.hidden = next.hidden = !paged;
  };
  const refilter = () => {
    const needle = filter.value.trim().toLocaleLowerCase();
    shown = needle ? order.filter((b) => (texts.get(b) || "").includes(needle)) : order;
    start = 0;
    draw();
  };

  vars.forEach((name, column) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    th.tabIndex = 0;
    th.title = "Sort";
    if (numeric[column]) th.className = "num";
    const sort = () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      head.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      order = order.slice().sort((x, y) => compare(sortKey(x[name]), sortKey(y[name])) * (ascending ? 1 : -1));
      refilter();
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    head.appendChild(th);
  });
  filter.addEventListener("input", refilter);
  previous.addEventListener("click", () => { start = Math.max(start - PAGE_ROWS, 0); draw(); });
  next.addEventListener("click", () => { start += PAGE_ROWS; draw(); });
  draw();
  wrapper.append(controls, table);
  return wrapper;
}

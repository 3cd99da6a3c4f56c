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
function isNumeric(term) {
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

/**
 * The results as a table whose column heads sort it (click, Enter or Space).
 * @param {string[]} vars
 * @param {Binding[]} bindings
 * @returns {HTMLTableElement}
 */
export function renderTable(vars, bindings) {
  const table = document.createElement("table");
  table.className = "data";
  const head = table.createTHead().insertRow();
  const body = table.createTBody();
  const rows = bindings.map((b) => ({ b, tr: body.insertRow() }));
  vars.forEach((name, column) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    th.tabIndex = 0;
    th.title = "Sort";
    const sort = () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      head.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort((x, y) => compare(sortKey(x.b[vars[column]]), sortKey(y.b[vars[column]])) * (ascending ? 1 : -1));
      rows.forEach((r) => body.appendChild(r.tr));
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    head.appendChild(th);
  });
  const numeric = vars.map((name) => bindings.every((b) => !b[name] || isNumeric(b[name])));
  vars.forEach((_, column) => { if (numeric[column]) head.cells[column].className = "num"; });
  rows.forEach((r) => {
    vars.forEach((name, column) => {
      const cell = r.tr.insertCell();
      if (numeric[column]) cell.className = "num";
      cell.appendChild(termNode(r.b[name]));
    });
  });
  return table;
}


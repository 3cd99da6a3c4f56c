// The query page: runs the editor's query against /sparql with fetch and shows a sortable table.
// Everything is built with DOM calls and textContent, never innerHTML, so no value from the graph can
// become markup; the page's CSP forbids inline scripts, so this file is the only script besides the editor.
"use strict";

(function () {
  const page = document.getElementById("query-page");
  if (!page) return;
  const base = page.dataset.base;
  const prefixes = Object.entries(JSON.parse(page.dataset.prefixes || "{}"))
    .sort((a, b) => b[1].length - a[1].length);
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query-text");
  const status = document.getElementById("query-status");
  const results = document.getElementById("results");
  const downloads = document.getElementById("downloads");
  const NUMERIC = /#(integer|decimal|double|float|nonNegativeInteger|positiveInteger|long|int|short|gYear)$/;
  const SELECT_FORMATS = ["json", "xml", "csv", "tsv"];
  const GRAPH_FORMATS = ["turtle", "jsonld", "rdfxml", "ntriples"];

  // With scripts on, results come as a table with download links; the format menu is for plain form posts.
  document.querySelectorAll(".no-js-only").forEach((element) => { element.hidden = true; });

  let editor = null;
  if (window.CtlkgEditor) {
    const nonce = document.querySelector('meta[name="ctlkg-style-nonce"]');
    editor = window.CtlkgEditor.fromTextArea(textarea, () => form.requestSubmit(),
      { nonce: nonce ? nonce.content : "" });
  }
  const getQuery = () => (editor ? editor.getValue() : textarea.value);
  const setQuery = (text) => { if (editor) editor.setValue(text); else textarea.value = text; };

  // Our IRIs open our own pages; the same mapping as ctlkg.rdf.links.to_local on the server.
  function localHref(iri) {
    if (iri === base + "ontology") return "/ontology";
    if (iri.startsWith(base + "ontology#")) return "/ontology#" + iri.slice((base + "ontology#").length);
    if (iri.startsWith(base + "id/")) return "/id/" + iri.slice((base + "id/").length);
    return null;
  }

  // A prefixed name for the table (the full IRI stays in the link's title), as the server's pages show them.
  function curie(iri) {
    for (const [prefix, namespace] of prefixes) {
      if (iri.startsWith(namespace) && iri.length > namespace.length) return prefix + ":" + iri.slice(namespace.length);
    }
    return iri;
  }

  function isNumeric(term) {
    return Boolean(term && term.datatype && NUMERIC.test(term.datatype));
  }

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

  function sortKey(term) {
    if (!term) return { n: null, s: "" };
    const n = term.datatype && NUMERIC.test(term.datatype) ? Number(term.value) : null;
    return { n: Number.isNaN(n) ? null : n, s: term.value.toLocaleLowerCase() };
  }

  function compare(a, b) {
    if (a.n !== null && b.n !== null) return a.n - b.n;
    return a.s.localeCompare(b.s);
  }

  function renderTable(vars, bindings) {
    const table = document.createElement("table");
    table.className = "data";
    const head = table.createTHead().insertRow();
    const body = table.createTBody();
    const rows = bindings.map((b) => ({ b, tr: null }));
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
    vars.forEach((name, column) => { if (numeric[column]) head.cells[column].className = "num"; });
    rows.forEach((r) => {
      r.tr = body.insertRow();
      vars.forEach((name, column) => {
        const cell = r.tr.insertCell();
        if (numeric[column]) cell.className = "num";
        cell.appendChild(termNode(r.b[name]));
      });
    });
    return table;
  }

  function showDownloads(query, formats) {
    downloads.querySelectorAll("a").forEach((a) => a.remove());
    formats.forEach((format) => {
      const a = document.createElement("a");
      a.className = "button small";
      a.dataset.format = format;
      a.href = "/sparql?" + new URLSearchParams({ query, format }).toString();
      a.textContent = format.toUpperCase();
      downloads.appendChild(a);
      downloads.appendChild(document.createTextNode(" "));
    });
    downloads.hidden = false;
  }

  function setStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  async function run() {
    const query = getQuery();
    setStatus(page.dataset.msgRunning, false);
    results.replaceChildren();
    const started = performance.now();
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query }),
      });
    } catch (error) {
      setStatus(page.dataset.msgError + ": " + error.message, true);
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const type = response.headers.get("content-type") || "";
    if (!response.ok) {
      setStatus(page.dataset.msgError + " " + response.status + ": " + (await response.text()), true);
      return;
    }
    if (type.includes("json")) {
      const data = await response.json();
      if (typeof data.boolean === "boolean") {
        setStatus(String(data.boolean) + " · " + seconds + " s", false);
        showDownloads(query, ["json", "xml"]);
        return;
      }
      const vars = data.head.vars || [];
      const bindings = data.results.bindings || [];
      const truncated = response.headers.get("x-result-truncated") ? " " + page.dataset.msgTruncated : "";
      setStatus(bindings.length + " " + page.dataset.msgRows + truncated + " · " + seconds + " s", false);
      if (bindings.length === 0) {
        const p = document.createElement("p");
        p.className = "muted";
        p.textContent = page.dataset.msgEmpty;
        results.appendChild(p);
      } else {
        results.appendChild(renderTable(vars, bindings));
      }
      showDownloads(query, SELECT_FORMATS);
      return;
    }
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    results.appendChild(pre);
    setStatus(seconds + " s", false);
    showDownloads(query, GRAPH_FORMATS);
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  document.querySelectorAll("button.example").forEach((button) => {
    button.addEventListener("click", () => {
      const source = document.getElementById(button.dataset.example);
      if (source) setQuery(source.textContent);
      if (editor) editor.focus(); else textarea.focus();
    });
  });
})();

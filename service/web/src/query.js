// The query page: runs the editor's query against /sparql with fetch and shows a sortable table.
// Everything is built with DOM calls and textContent, never innerHTML, so no value from the graph can
// become markup; the page's CSP forbids inline scripts, so this module (and what it imports) is the only script.
import { fromTextArea } from "./editor.js";
import { byId } from "./dom.js";
import { errorMessage } from "./http.js";
import { renderChart } from "./chart.js";
import { renderGraph } from "./graph_view.js";
import { renderTable } from "./table.js";
import { countsOf } from "./words.js";
import { attachSuggestions } from "./suggest.js";
import { currentQuery, history, keepCurrent, remember as rememberRun } from "./history.js";

// The page's elements, each found once by id and typed (every page module opens so: a list, not logic).
const page = byId("query-page", HTMLElement);
const form = byId("query-form", HTMLFormElement);
const textarea = byId("query-text", HTMLTextAreaElement);
const status = byId("query-status", HTMLElement);
const results = byId("results", HTMLElement);
const downloads = byId("downloads", HTMLElement);
const copyLink = byId("copy-link", HTMLButtonElement);
const snippets = byId("snippets", HTMLDetailsElement);
const SELECT_FORMATS = ["json", "xml", "csv", "tsv"];
const GRAPH_FORMATS = ["turtle", "jsonld", "rdfxml", "ntriples"];

/**
 * A message of the page, in the reader's language (the server put them in data-msg-* attributes).
 * @param {string} key
 * @returns {string}
 */
const msg = (key) => page.dataset[key] || "";
const count = countsOf({ rows: JSON.parse(page.dataset.msgRows || "{}") }, page.dataset.lang || "en");
const numbers = new Intl.NumberFormat(page.dataset.lang || "en");
/** @type {import("./table.js").TableWords} */
const tableWords = {
  filter: msg("msgFilter"),
  range: (first, last, total) => msg("msgRange").replace("{first}", numbers.format(first))
    .replace("{last}", numbers.format(last)).replace("{total}", numbers.format(total)),
  previous: msg("msgPrevious"),
  next: msg("msgNext"),
};

/**
 * The answer as it came, for a reader who wants to see it: pretty JSON (the first 200 kB).
 * @param {unknown} data
 * @returns {HTMLElement}
 */
function rawView(data) {
  const details = document.createElement("details");
  details.className = "raw";
  const summary = document.createElement("summary");
  summary.textContent = msg("msgRaw");
  const pre = document.createElement("pre");
  details.addEventListener("toggle", () => {
    if (details.open && !pre.textContent) pre.textContent = JSON.stringify(data, null, 2).slice(0, 200_000);
  });
  details.append(summary, pre);
  return details;
}

// With scripts on, results come as a table with download links; the format menu is for plain form posts.
document.querySelectorAll(".no-js-only").forEach((node) => { if (node instanceof HTMLElement) node.hidden = true; });
copyLink.hidden = false;
snippets.hidden = false;

const paramsBox = byId("query-params", HTMLFieldSetElement);
/**
 * The named query chosen from the examples, while the editor still holds it unchanged: it runs through
 * /api/queries/{name} with the form's values bound (the SPARQL endpoint cannot bind parameters).
 * @type {{name: string, body: string, fields: Map<string, HTMLInputElement | HTMLSelectElement>} | null}
 */
let active = null;

/** @param {string} text */
function edited(text) {
  keepCurrent(text);
  if (active && text !== active.body) { active = null; paramsBox.hidden = true; }
}

/**
 * The chosen example's parameters as a form: a select for an enum, a text field otherwise, each starting
 * from its default (or the header's example value).
 * @param {HTMLButtonElement} button
 * @param {string} body
 */
function showParams(button, body) {
  /** @type {{name: string, type: string, description: string, value: string, enum: string[]}[]} */
  const params = JSON.parse(button.dataset.params || "[]");
  const legend = document.createElement("legend");
  legend.textContent = msg("msgParams") + " · " + (button.textContent || "");
  paramsBox.replaceChildren(legend);
  /** @type {Map<string, HTMLInputElement | HTMLSelectElement>} */
  const fields = new Map();
  params.forEach((param) => {
    const label = document.createElement("label");
    label.className = "small";
    label.append(document.createTextNode("?" + param.name + " "));
    /** @type {HTMLInputElement | HTMLSelectElement} */
    let field;
    if (param.enum.length) {
      const select = document.createElement("select");
      param.enum.forEach((value) => select.add(new Option(value, value)));
      field = select;
    } else {
      const input = document.createElement("input");
      input.type = "text";
      input.size = param.type === "iri" ? 52 : 14;
      field = input;
    }
    field.name = "param-" + param.name;
    field.title = param.description;
    field.value = param.value;
    label.appendChild(field);
    paramsBox.appendChild(label);
    // An IRI field suggests resources by label as it is typed in; picking one puts its IRI in.
    if (param.type === "iri" && field instanceof HTMLInputElement) {
      const input = field;
      attachSuggestions(input, {
        label: msg("msgSuggestions") || "Suggestions",
        labels: page.dataset.lang || "en",
        onPick: (found) => { input.value = found.iri; },
      });
    }
    fields.set(param.name, field);
  });
  paramsBox.hidden = params.length === 0;
  active = params.length ? { name: button.dataset.name || "", body, fields } : null;
}

/**
 * Where a named query with its bound values is asked (and downloaded, with ``format``).
 * @param {{name: string, fields: Map<string, HTMLInputElement | HTMLSelectElement>}} named
 * @returns {URLSearchParams}
 */
const boundValues = (named) => new URLSearchParams([...named.fields].map(([key, field]) => [key, field.value]));

const nonce = document.querySelector('meta[name="ctlkg-style-nonce"]');
const editor = fromTextArea(textarea, () => form.requestSubmit(),
  { nonce: nonce instanceof HTMLMetaElement ? nonce.content : "", onChange: edited, lang: page.dataset.lang || "en" });
// A shared link (?query=) opens its query; otherwise the page takes up the query written last time.
const kept = currentQuery();
if (!new URL(window.location.href).searchParams.has("query") && kept && kept !== editor.getValue()) {
  editor.setValue(kept);
}

const historyList = byId("history", HTMLElement);
/** @param {string[]} queries */
function showHistory(queries) {
  historyList.replaceChildren();
  queries.forEach((text) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    const lines = text.split("\n").map((line) => line.trim())
      .filter((line) => line && !/^(PREFIX|BASE)\b/i.test(line) && !line.startsWith("#"));
    button.textContent = (lines[0] || text).slice(0, 60);
    button.title = text;
    button.addEventListener("click", () => { editor.setValue(text); editor.focus(); });
    item.appendChild(button);
    historyList.appendChild(item);
  });
  historyList.closest("section")?.toggleAttribute("hidden", queries.length === 0);
}
showHistory(history());

// The download links of the last answer; none while a query runs or after one failed.
function clearDownloads() {
  downloads.querySelectorAll("a").forEach((a) => a.remove());
  downloads.hidden = true;
}

/**
 * @param {string} query
 * @param {string[]} formats
 * @param {string | null} [named]  a named query's address with its values: the files come from there
 */
function showDownloads(query, formats, named = null) {
  clearDownloads();
  formats.forEach((format) => {
    const a = document.createElement("a");
    a.className = "button small";
    a.dataset.format = format;
    a.href = named ? named + "&" + new URLSearchParams({ format }).toString()
      : "/sparql?" + new URLSearchParams({ query, format }).toString();
    a.textContent = format.toUpperCase();
    downloads.appendChild(a);
    downloads.appendChild(document.createTextNode(" "));
  });
  downloads.hidden = false;
}

/**
 * @param {string} text
 * @param {boolean} isError
 */
function setStatus(text, isError) {
  status.textContent = text;
  status.classList.toggle("error", Boolean(isError));
}

/**
 * The address of this page with ``query`` in it: what the address bar shows once a query runs (a reload keeps
 * the query), and what "copy link" copies. The page's other parameters (``lang``) stay.
 * @param {string} query
 * @returns {string}
 */
function permalink(query) {
  const url = new URL(window.location.href);
  if (active && query === active.body) {
    // A named query run through its form: its name and values, so the link opens the form filled in.
    [...url.searchParams.keys()].filter((key) => key !== "lang").forEach((key) => url.searchParams.delete(key));
    url.searchParams.set("example", active.name);
    active.fields.forEach((field, key) => url.searchParams.set("param-" + key, field.value));
    return url.toString();
  }
  url.searchParams.delete("example");
  [...url.searchParams.keys()].filter((key) => key.startsWith("param-"))
    .forEach((key) => url.searchParams.delete(key));
  url.searchParams.set("query", query);
  return url.toString();
}

/**
 * @param {string} query
 */
function remember(query) {
  window.history.replaceState(null, "", permalink(query));
}

/**
 * A shell word: single quotes, each quote inside closed, escaped and reopened.
 * @param {string} text
 * @returns {string}
 */
const shellQuoted = (text) => "'" + text.replace(/'/g, "'\\''") + "'";

/**
 * A Python string literal: triple quotes where the text allows them (readable), else a JSON string (valid
 * Python too).
 * @param {string} text
 * @returns {string}
 */
const pythonString = (text) =>
  (/"""|\\/.test(text) || text.endsWith('"') ? JSON.stringify(text) : '"""' + text + '"""');

/**
 * The three snippets for the editor's query, as text (shown with textContent, never as markup).
 * @param {string} query
 * @returns {Record<string, string>}
 */
function snippetTexts(query) {
  const endpoint = new URL("/sparql", window.location.href).toString();
  const graph = /^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n|#[^\n]*\n|\s)*(?:CONSTRUCT|DESCRIBE)\b/i.test(query);
  const accept = graph ? "text/turtle" : "application/sparql-results+json";
  return {
    curl: ["curl -G " + shellQuoted(endpoint), "  -H " + shellQuoted("Accept: " + accept),
      "  --data-urlencode " + shellQuoted("query=" + query)].join(" \\\n"),
    python: [
      `from SPARQLWrapper import ${graph ? "TURTLE" : "JSON"}, SPARQLWrapper`,
      "",
      `sparql = SPARQLWrapper(${JSON.stringify(endpoint)})`,
      `sparql.setQuery(${pythonString(query)})`,
      `sparql.setReturnFormat(${graph ? "TURTLE" : "JSON"})`,
      "results = sparql.query().convert()",
    ].join("\n"),
    javascript: [
      `const response = await fetch(${JSON.stringify(endpoint)}, {`,
      '  method: "POST",',
      `  headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: ${JSON.stringify(accept)} },`,
      `  body: new URLSearchParams({ query: ${JSON.stringify(query)} }),`,
      "});",
      `const results = await response.${graph ? "text" : "json"}();`,
    ].join("\n"),
  };
}

function showSnippets() {
  const texts = snippetTexts(editor.getValue());
  Object.entries(texts).forEach(([name, text]) => { byId("snippet-" + name, HTMLElement).textContent = text; });
}

async function copyPermalink() {
  const query = editor.getValue();
  const link = permalink(query);
  remember(query);
  try {
    await navigator.clipboard.writeText(link);
    setStatus(msg("msgCopied"), false);
  } catch {
    setStatus(msg("msgNotCopied") + ": " + link, false);  // no clipboard (an insecure origin): shown instead
  }
}

/**
 * The triples as a drawing, fetched again as N-Triples when the reader opens it.
 * @param {string} query
 * @returns {HTMLElement}
 */
function graphView(query) {
  const details = document.createElement("details");
  details.className = "graph-view";
  const summary = document.createElement("summary");
  summary.textContent = msg("msgGraph");
  details.appendChild(summary);
  details.addEventListener("toggle", async () => {
    if (!details.open || details.childElementCount > 1) return;
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/n-triples" },
      body: new URLSearchParams({ query }),
    });
    const drawing = response.ok ? renderGraph(await response.text()) : null;
    const note = document.createElement("p");
    note.className = "muted small";
    note.textContent = msg("msgNoGraph");
    details.appendChild(drawing || note);
  });
  return details;
}

async function run() {
  const query = editor.getValue();
  remember(query);
  showHistory(rememberRun(query));
  if (snippets.open) showSnippets();
  setStatus(msg("msgRunning"), false);
  results.replaceChildren();
  clearDownloads();
  const started = performance.now();
  const named = active && query === active.body
    ? "/api/queries/" + encodeURIComponent(active.name) + "?" + boundValues(active).toString() : null;
  let response;
  try {
    response = named
      ? await fetch(named, { headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" } })
      : await fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Accept: "application/sparql-results+json, text/turtle;q=0.9",
        },
        body: new URLSearchParams({ query }),
      });
  } catch (error) {
    setStatus(msg("msgError") + ": " + (error instanceof Error ? error.message : String(error)), true);
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    const message = await errorMessage(response);
    setStatus(msg("msgError") + " " + response.status + " · " + message, true);
    // A syntax error names its place ("line 3, column 11"): the editor selects it.
    const place = /line (\d+), column (\d+)/.exec(message);
    if (response.status === 400 && place) editor.showPlace(Number(place[1]), Number(place[2]));
    return;
  }
  if (type.includes("json")) {
    const data = await response.json();
    if (typeof data.boolean === "boolean") {
      setStatus(String(data.boolean) + " · " + seconds + " s", false);
      results.appendChild(rawView(data));
      showDownloads(query, ["json", "xml"], named);
      return;
    }
    /** @type {string[]} */
    const vars = data.head.vars || [];
    /** @type {import("./table.js").Binding[]} */
    const bindings = data.results.bindings || [];
    const truncated = response.headers.get("x-result-truncated") ? " " + msg("msgTruncated") : "";
    setStatus(count(bindings.length, "rows") + truncated + " · " + seconds + " s", false);
    if (bindings.length === 0) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = msg("msgEmpty");
      results.appendChild(p);
    } else {
      results.appendChild(renderTable(vars, bindings, tableWords));
      const chart = renderChart(vars, bindings, { bar: msg("msgBar"), line: msg("msgLine"), column: msg("msgColumn") });
      if (chart) {
        const details = document.createElement("details");
        details.className = "chart-view";
        const summary = document.createElement("summary");
        summary.textContent = msg("msgChart");
        details.append(summary, chart);
        results.appendChild(details);
      }
    }
    results.appendChild(rawView(data));
    showDownloads(query, SELECT_FORMATS, named);
    return;
  }
  const pre = document.createElement("pre");
  pre.textContent = await response.text();
  results.appendChild(pre);
  results.appendChild(graphView(query));
  setStatus(seconds + " s", false);
  showDownloads(query, GRAPH_FORMATS, named);
}

form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
copyLink.addEventListener("click", () => { copyPermalink(); });
snippets.addEventListener("toggle", () => { if (snippets.open) showSnippets(); });
/** @param {HTMLButtonElement} button */
function choose(button) {
  const source = document.getElementById(button.dataset.example || "");
  const body = source ? source.textContent || "" : "";
  if (source) editor.setValue(body);
  showParams(button, editor.getValue());
}

document.querySelectorAll("button.example").forEach((button) => {
  if (!(button instanceof HTMLButtonElement)) return;
  button.addEventListener("click", () => { choose(button); editor.focus(); });
});

// A shared link to a named query (?example=NAME&param-KEY=VALUE) opens it with its form filled in.
const shared = new URL(window.location.href).searchParams;
const sharedExample = [...document.querySelectorAll("button.example")]
  .find((button) => button instanceof HTMLButtonElement && button.dataset.name === shared.get("example"));
/** @param {URLSearchParams} values  the link's ``param-KEY`` values, put into the chosen query's form */
function fillForm(values) {
  active?.fields.forEach((field, key) => {
    const value = values.get("param-" + key);
    if (value !== null) field.value = value;
  });
}
if (sharedExample instanceof HTMLButtonElement) {
  choose(sharedExample);
  fillForm(shared);
}

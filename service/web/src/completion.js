// What the SPARQL editor offers while a person types: keywords, prefixes (picking one declares it with a
// PREFIX line), the ontology's classes and properties with their labels (from /api/terms: the server's
// ontology, not a copy here) and resources by label (from /api/search). Only the keywords, which are the
// language's own, are listed in this file.
import { site } from "./site.js";
import { searchResources } from "./suggest.js";

/** @typedef {import("@codemirror/autocomplete").Completion} Completion */
/** @typedef {import("@codemirror/autocomplete").CompletionContext} CompletionContext */
/** @typedef {import("@codemirror/autocomplete").CompletionResult} CompletionResult */
/** @typedef {import("@codemirror/view").EditorView} EditorView */
/** @typedef {{iri: string, curie: string, kind: string, label: string | null}} Term */

export const KEYWORDS = [
  "SELECT", "DISTINCT", "REDUCED", "WHERE", "PREFIX", "BASE", "CONSTRUCT", "DESCRIBE", "ASK", "FROM", "NAMED",
  "OPTIONAL", "FILTER", "UNION", "MINUS", "GRAPH", "SERVICE", "BIND", "VALUES", "AS", "ORDER BY", "GROUP BY",
  "HAVING", "LIMIT", "OFFSET", "ASC", "DESC", "NOT EXISTS", "EXISTS", "IN", "NOT IN", "UNDEF", "COUNT",
  "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR", "STR", "LANG", "LANGMATCHES",
  "DATATYPE", "BOUND", "IRI", "URI", "BNODE", "RAND", "ABS", "CEIL", "FLOOR", "ROUND", "CONCAT", "STRLEN",
  "UCASE", "LCASE", "ENCODE_FOR_URI", "CONTAINS", "STRSTARTS", "STRENDS", "STRBEFORE", "STRAFTER", "YEAR",
  "MONTH", "DAY", "NOW", "COALESCE", "IF", "STRLANG", "STRDT", "sameTerm", "isIRI", "isURI", "isBLANK",
  "isLITERAL", "isNUMERIC", "REGEX", "SUBSTR", "REPLACE",
];

/** @type {Promise<{terms: Term[], prefixes: Record<string, string>}> | null} */
let termsLoaded = null;

/**
 * The ontology's terms and the service's extra prefixes, asked once per page.
 * @param {string} lang
 */
function terms(lang) {
  if (termsLoaded === null) {
    termsLoaded = fetch("/api/terms?lang=" + lang, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { terms: [], prefixes: {} }))
      .catch(() => ({ terms: [], prefixes: {} }));
  }
  return termsLoaded;
}

/**
 * The prefixes the text declares.
 * @param {string} text
 * @returns {Set<string>}
 */
export function declared(text) {
  const found = new Set();
  for (const match of text.matchAll(/PREFIX\s+([\w-]*):/gi)) found.add(match[1]);
  return found;
}

/**
 * Insert ``text`` over [from, to), and a PREFIX line for ``prefix`` after the last one when the query
 * does not declare it yet.
 * @param {EditorView} view
 * @param {string} text
 * @param {number} from
 * @param {number} to
 * @param {string | null} prefix
 * @param {string} namespace
 */
function insertDeclaring(view, text, from, to, prefix, namespace) {
  const doc = view.state.doc.toString();
  /** @type {{from: number, to?: number, insert: string}[]} */
  const changes = [];
  let shift = 0;
  if (prefix !== null && !declared(doc).has(prefix)) {
    const lines = [...doc.matchAll(/^[ \t]*PREFIX\s+[\w-]*:\s*<[^>]*>[^\n]*(\n|$)/gim)];
    const last = lines.length ? lines[lines.length - 1] : null;
    const at = Math.min(last && last.index !== undefined ? last.index + last[0].length : 0, from);
    const line = (at > 0 && doc[at - 1] !== "\n" ? "\n" : "") + `PREFIX ${prefix}: <${namespace}>\n`;
    changes.push({ from: at, insert: line });
    shift = line.length;
  }
  changes.push({ from, to, insert: text });
  view.dispatch({ changes, selection: { anchor: from + shift + text.length }, userEvent: "input.complete" });
}

/**
 * A short name for an IRI with a known prefix, else null.
 * @param {string} iri
 * @param {Record<string, string>} prefixes
 * @returns {{prefix: string, local: string, namespace: string} | null}
 */
function shorten(iri, prefixes) {
  let best = null;
  for (const [prefix, namespace] of Object.entries(prefixes)) {
    const local = iri.slice(namespace.length);
    if (iri.startsWith(namespace) && /^[\w-]+$/.test(local) && (!best || namespace.length > best.namespace.length)) {
      best = { prefix, local, namespace };
    }
  }
  return best;
}

/**
 * Whether the cursor is in a comment, a string or an IRI, where nothing is offered.
 * @param {string} before  the line up to the cursor
 */
function inert(before) {
  const stripped = before.replace(/<[^<>\s]*>/g, "").replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "");
  return /#/.test(stripped) || /["'<][^"'<>]*$/.test(stripped);
}

/**
 * The completion sources of the editor, for a page in ``lang``.
 * @param {string} lang
 * @returns {((context: CompletionContext) => Promise<CompletionResult | null>)[]}
 */
export function sparqlCompletions(lang) {
  /** @param {CompletionContext} context */
  const vocabulary = async (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    if (inert(before)) return null;
    const word = context.matchBefore(/[A-Za-z_][\w-]*:?[\w.-]*$/);
    if (!word || /[?$]$/.test(before.slice(0, word.from - line.from))) return null;
    if (word.from === word.to && !context.explicit) return null;
    const loaded = await terms(lang);
    const prefixes = { ...site().prefixes, ...loaded.prefixes };
    /** @type {Completion[]} */
    const options = [];
    const typedPrefix = word.text.includes(":") ? word.text.split(":")[0] : null;
    for (const term of loaded.terms) {
      const short = shorten(term.iri, prefixes);
      if (!short || (typedPrefix !== null && short.prefix !== typedPrefix)) continue;
      options.push({
        label: short.prefix + ":" + short.local,
        detail: term.label || undefined,
        type: term.kind === "class" ? "class" : term.kind === "function" ? "function" : "property",
        boost: term.kind === "class" ? 1 : 0,
        apply: (view, _completion, from, to) =>
          insertDeclaring(view, short.prefix + ":" + short.local, from, to, short.prefix, short.namespace),
      });
    }
    if (typedPrefix === null) {
      for (const keyword of KEYWORDS) options.push({ label: keyword, type: "keyword", boost: 2 });
      for (const [prefix, namespace] of Object.entries(prefixes)) {
        options.push({
          label: prefix + ":", detail: namespace, type: "namespace",
          apply: (view, _completion, from, to) => insertDeclaring(view, prefix + ":", from, to, prefix, namespace),
        });
      }
    }
    return { from: word.from, options, validFor: /^[\w-]*:?[\w.-]*$/ };
  };

  /** @param {CompletionContext} context */
  const resources = async (context) => {
    const line = context.state.doc.lineAt(context.pos);
    const before = line.text.slice(0, context.pos - line.from);
    const word = context.matchBefore(/[\p{L}\p{N}_]{3,}$/u);
    if (!word || inert(before) || /[?$:\w-]$/u.test(before.slice(0, word.from - line.from))) return null;
    // A keyword being typed (SEL…, OPT…) is not a search.
    const typed = word.text.toUpperCase();
    if (KEYWORDS.some((keyword) => keyword.toUpperCase().startsWith(typed))) return null;
    const controller = new AbortController();
    context.addEventListener("abort", () => controller.abort());
    /** @type {import("./suggest.js").Found[]} */
    let found;
    try {
      found = await searchResources(word.text, { labels: lang, limit: 8, signal: controller.signal });
    } catch {
      return null;
    }
    const prefixes = site().prefixes;
    return {
      from: word.from,
      filter: false,
      options: found.map((item) => {
        const short = shorten(item.iri, prefixes);
        return {
          label: item.label,
          detail: (item.type_label || "") + " · " + (short ? short.prefix + ":" + short.local : item.iri),
          type: "constant",
          boost: -1,
          apply: (/** @type {EditorView} */ view, /** @type {Completion} */ _completion, /** @type {number} */ from,
            /** @type {number} */ to) => (short
            ? insertDeclaring(view, short.prefix + ":" + short.local, from, to, short.prefix, short.namespace)
            : insertDeclaring(view, "<" + item.iri + ">", from, to, null, "")),
        };
      }),
    };
  };
  return [vocabulary, resources];
}

// What the picture pages (/network, /matrices) share: their words, the clusters of a synergy listing,
// short names, safe links and tooltips. Text from the data only ever goes in as text (textContent, d3's
// .text()), never as markup: the CSP already forbids inline scripts, this keeps a hostile label from
// becoming an element.
import { element } from "./dom.js";
import { safeHref } from "./site.js";

export { element } from "./dom.js";
export { getJSON } from "./http.js";
export { iriHref, safeHref } from "./site.js";
export { countsOf, wordsOf } from "./words.js";

/**
 * @typedef {{en?: string, it?: string}} Labels
 * @typedef {{slug: string, iri: string, href?: string, label?: Labels, name?: string, acronym?: string,
 *            members?: number}} ListedCluster
 * @typedef {{iri: string, href?: string, label?: Labels}} Evidence
 * @typedef {{score: number, weight: number, shared_count: number, union_count: number,
 *            evidence: Evidence[]}} DimensionScore
 * @typedef {{clusters: [ListedCluster, ListedCluster], combined: number, shared_count: number,
 *            dimensions: Record<string, DimensionScore>}} Pair
 * @typedef {{synergies: Pair[]}} Listing
 * @typedef {{slug: string, iri: string, href: string | null, short: string, full: string,
 *            members: number | null}} Cluster
 */

export const COMBINED = "combined";

// The words every cluster's name repeats; dropped to draw a short name when a cluster has no acronym
// ("Lombardy Life Sciences Cluster" -> "Life Sciences"). The full label stays in tooltips and links.
const COMMON_WORDS = /\b(Lombardy|Lombardia|Lombardo|Lombarda|Cluster|Association|Associazione|Foundation|Fondazione)\b/gi;

/**
 * The page's language and words (a JSON object the server put in data-words).
 * @param {HTMLElement} page
 * @returns {{lang: string, words: import("./words.js").Words}}
 */
export function context(page) {
  return {
    lang: page.dataset.lang || "en",
    words: JSON.parse(page.dataset.words || "{}"),
  };
}

/**
 * A {it, en} label in the reader's language, else the other one.
 * @param {Labels | undefined} labels
 * @param {string} lang
 * @returns {string}
 */
export function label(labels, lang) {
  if (!labels) return "";
  return labels[/** @type {"en" | "it"} */ (lang)] || labels.en || labels.it || "";
}

/**
 * @param {ListedCluster} cluster
 * @param {string} lang
 * @returns {string}
 */
export function shortName(cluster, lang) {
  if (cluster.acronym) return cluster.acronym;
  const full = label(cluster.label, lang) || cluster.name || cluster.slug;
  const short = full.replace(COMMON_WORDS, " ").replace(/\s+/g, " ").trim();
  return short || full;
}

// The clusters of a /api/synergies listing (each pair names both of its clusters), sorted by slug so
// every picture puts them in the same order.
/**
 * @param {Listing} listing
 * @param {string} lang
 * @returns {Cluster[]}
 */
export function clustersOf(listing, lang) {
  /** @type {Map<string, Cluster>} */
  const bySlug = new Map();
  for (const pair of listing.synergies) {
    for (const c of pair.clusters) {
      if (!bySlug.has(c.slug)) {
        bySlug.set(c.slug, {
          slug: c.slug,
          iri: c.iri,
          href: safeHref(c.href),
          short: shortName(c, lang),
          full: label(c.label, lang) || c.name || c.slug,
          members: typeof c.members === "number" ? c.members : null,
        });
      }
    }
  }
  return Array.from(bySlug.values()).sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
}

/**
 * "a--b", the key the API uses in a synergy's IRI (slugs sorted).
 * @param {Pair} pair
 * @returns {string}
 */
export function pairKey(pair) {
  return pair.clusters[0].slug + "--" + pair.clusters[1].slug;
}

/**
 * @param {Pair} pair
 * @param {string} dimension
 * @returns {number}
 */
export function pairScore(pair, dimension) {
  return dimension === COMBINED ? pair.combined : pair.dimensions[dimension].score;
}

/**
 * The kind of an item is the path segment after /id/ (network, project, ecosystem, pnrr...).
 * @param {string | null | undefined} href
 * @returns {string}
 */
export function kindOf(href) {
  const match = /^\/id\/([^/]+)\//.exec(href || "");
  return match ? match[1] : "other";
}

/**
 * A score as people read it: two decimals, no trailing zeros ("0.26", "1", "0").
 * @param {number} score
 * @returns {string}
 */
export function formatScore(score) {
  return String(Math.round(score * 100) / 100);
}

/**
 * A link to an item's page when it has a safe one, else its name as text.
 * @param {string} text
 * @param {string | null | undefined} href
 * @param {string} [title]
 * @returns {HTMLElement}
 */
export function linkTo(text, href, title) {
  const safe = safeHref(href);
  /** @type {HTMLElement} */
  let node;
  if (safe) {
    const a = element("a", "", text);
    a.href = safe;
    if (!safe.startsWith("/")) { a.className = "external"; a.rel = "noopener noreferrer"; }
    node = a;
  } else {
    node = element("span", "", text);
  }
  if (title) node.title = title;
  return node;
}

/**
 * The ?dimension= of the address when it names one of the select's options, else the first option.
 * @param {HTMLSelectElement} select
 * @returns {string}
 */
export function initialDimension(select) {
  const asked = new URLSearchParams(window.location.search).get("dimension");
  const known = Array.from(select.options).map((o) => o.value);
  return asked !== null && known.includes(asked) ? asked : known[0];
}

/**
 * Keep the address in step with what is shown, so a picture can be linked to as it is.
 * @param {Record<string, string | boolean | null | undefined>} params
 */
export function remember(params) {
  const query = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "" || value === false) query.delete(key);
    else query.set(key, value === true ? "1" : String(value));
  }
  const text = query.toString();
  window.history.replaceState(null, "", window.location.pathname + (text ? "?" + text : ""));
}

/**
 * @param {string} text
 * @param {boolean} isError
 */
export function setStatus(text, isError) {
  const status = document.getElementById("picture-status");
  if (!status) return;
  status.textContent = text || "";
  status.classList.toggle("error", Boolean(isError));
  status.hidden = !text;
}

/**
 * @typedef {object} Tooltip
 * @property {(event: MouseEvent, lines: string[]) => void} show
 * @property {(event: MouseEvent) => void} move
 * @property {() => void} hide
 */

/**
 * A floating tooltip inside a positioned container: lines of text, placed beside the pointer. Its
 * position is set through the CSSOM (element.style), which the CSP allows, unlike style attributes.
 * @param {HTMLElement} box
 * @param {HTMLElement} container
 * @returns {Tooltip}
 */
export function tooltip(box, container) {
  return {
    show(event, lines) {
      box.replaceChildren();
      lines.forEach((line, index) => box.appendChild(element("div", index === 0 ? "tip-title" : "", line)));
      box.hidden = false;
      this.move(event);
    },
    move(event) {
      const area = container.getBoundingClientRect();
      let x = event.clientX - area.left + 14;
      const y = event.clientY - area.top + 14;
      if (x + box.offsetWidth > area.width) x = Math.max(0, event.clientX - area.left - box.offsetWidth - 14);
      box.style.left = x + "px";
      box.style.top = y + "px";
    },
    hide() { box.hidden = true; },
  };
}

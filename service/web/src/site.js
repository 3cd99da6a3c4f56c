// What the server knows about IRIs, handed to the scripts in the page's data-site attribute (built by
// ctlkg.web.html.page_data from ctlkg.rdf.links and ctlkg.rdf.namespaces): the prefixes for short names,
// where our IRIs open on this server, and which datatypes are numbers. Nothing of it is written here, so a
// deployment's own base IRI or a new prefix needs no change to the scripts.

/**
 * @typedef {object} Site
 * @property {Record<string, string>} prefixes  prefix -> namespace, as the server's pages use them
 * @property {Record<string, string>} exact     IRI -> local path, for IRIs that open a page as they are
 * @property {Array<[string, string]>} local    IRI prefix -> local path prefix, longest first
 * @property {string[]} numeric                 datatype IRIs whose values are numbers
 */

/** @type {Site | null} */
let cached = null;

/**
 * The site description of the page (read once); empty when the page carries none.
 * @returns {Site}
 */
export function site() {
  if (cached === null) {
    const holder = document.querySelector("[data-site]");
    const given = holder instanceof HTMLElement ? JSON.parse(holder.dataset.site || "{}") : {};
    cached = {
      prefixes: given.prefixes || {},
      exact: given.exact || {},
      local: given.local || [],
      numeric: given.numeric || [],
    };
  }
  return cached;
}

/**
 * The local page of one of our IRIs ("/id/cluster/afil", "/ontology#Cluster"), or null for any other IRI.
 * @param {unknown} iri
 * @returns {string | null}
 */
export function localHref(iri) {
  if (typeof iri !== "string") return null;
  const { exact, local } = site();
  if (Object.prototype.hasOwnProperty.call(exact, iri)) return exact[iri];
  for (const [prefix, path] of local) {
    if (iri.startsWith(prefix) && iri.length > prefix.length) return path + iri.slice(prefix.length);
  }
  return null;
}

/**
 * Where a link may point: our own paths and http(s) IRIs; any other scheme (javascript:, data:) gets none.
 * @param {unknown} href
 * @returns {string | null}
 */
export function safeHref(href) {
  if (typeof href !== "string") return null;
  if (href.startsWith("/") && !href.startsWith("//")) return href;
  return /^https?:\/\//i.test(href) ? href : null;
}

/**
 * Where a link to an IRI should point: our page for our IRIs, the IRI itself for http(s) ones, else null.
 * @param {unknown} iri
 * @returns {string | null}
 */
export function iriHref(iri) {
  return localHref(iri) || safeHref(iri);
}

/**
 * A prefixed name (ctl:Cluster) when a known prefix fits, the longest one winning; else the IRI unchanged.
 * @param {string} iri
 * @returns {string}
 */
export function curie(iri) {
  let best = "";
  for (const [prefix, namespace] of Object.entries(site().prefixes)) {
    if (iri.startsWith(namespace) && iri.length > namespace.length &&
        namespace.length > (site().prefixes[best] || "").length) {
      best = prefix;
    }
  }
  return best ? best + ":" + iri.slice(site().prefixes[best].length) : iri;
}

/**
 * Whether a literal of this datatype is a number (sorted as one, right-aligned, shown without a badge).
 * @param {string | undefined} datatype
 * @returns {boolean}
 */
export function isNumericType(datatype) {
  return Boolean(datatype) && site().numeric.includes(/** @type {string} */ (datatype));
}

// What the picture pages (/network, /matrices) share: their words, fetching the API, the clusters of a
// synergy listing, short names, safe links and tooltips. Exposed as window.CtlkgPictures; the d3 modules
// come from the esbuild bundle as window.CtlkgCharts. Text from the data only ever goes in as text
// (textContent, d3's .text()), never as markup: the CSP already forbids inline scripts, this keeps
// a hostile label from becoming an element.
"use strict";

(function () {
  const COMBINED = "combined";

  // The words every cluster's name repeats; dropped to draw a short name when a cluster has no acronym
  // ("Lombardy Life Sciences Cluster" -> "Life Sciences"). The full label stays in tooltips and links.
  const COMMON_WORDS = /\b(Lombardy|Lombardia|Lombardo|Lombarda|Cluster|Association|Associazione|Foundation|Fondazione)\b/gi;

  // The page's language, IRI base and words (a JSON object the server put in data-words).
  function context(page) {
    return {
      lang: page.dataset.lang || "en",
      base: page.dataset.base || "",
      words: JSON.parse(page.dataset.words || "{}"),
    };
  }

  function wordsOf(words) {
    return (key) => (Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key);
  }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      throw new Error(response.status + " " + (await response.text()).slice(0, 300));
    }
    return response.json();
  }

  // Only our own pages and http(s) IRIs become links, whatever a value says (as ctlkg.rdf.links.href does).
  function safeHref(href) {
    if (typeof href !== "string") return null;
    if (href.startsWith("/") && !href.startsWith("//")) return href;
    return /^https?:\/\//i.test(href) ? href : null;
  }

  // Our IRIs open our own pages: the same mapping as ctlkg.rdf.links.to_local, for rows that carry bare IRIs.
  function localHref(iri, base) {
    if (typeof iri !== "string") return null;
    if (base && iri.startsWith(base + "id/")) return "/id/" + iri.slice((base + "id/").length);
    return safeHref(iri);
  }

  // A {it, en} label in the reader's language, else the other one.
  function label(labels, lang) {
    if (!labels) return "";
    return labels[lang] || labels.en || labels.it || "";
  }

  function shortName(cluster, lang) {
    if (cluster.acronym) return cluster.acronym;
    const full = label(cluster.label, lang) || cluster.name || cluster.slug;
    const short = full.replace(COMMON_WORDS, " ").replace(/\s+/g, " ").trim();
    return short || full;
  }

  // The clusters of a /api/synergies listing (each pair names both of its clusters), sorted by slug so
  // every picture puts them in the same order.
  function clustersOf(listing, lang) {
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

  // "a--b", the key the API uses in a synergy's IRI (slugs sorted).
  function pairKey(pair) {
    return pair.clusters[0].slug + "--" + pair.clusters[1].slug;
  }

  function pairScore(pair, dimension) {
    return dimension === COMBINED ? pair.combined : pair.dimensions[dimension].score;
  }

  // The kind of an item is the path segment after /id/ (network, project, ecosystem, pnrr...).
  function kindOf(href) {
    const match = /^\/id\/([^/]+)\//.exec(href || "");
    return match ? match[1] : "other";
  }

  // A score as people read it: two decimals, no trailing zeros ("0.26", "1", "0").
  function formatScore(score) {
    return String(Math.round(score * 100) / 100);
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // A link to an item's page when it has a safe one, else its name as text.
  function linkTo(text, href, title) {
    const safe = safeHref(href);
    const node = element(safe ? "a" : "span", "", text);
    if (safe) {
      node.href = safe;
      if (!safe.startsWith("/")) { node.className = "external"; node.rel = "noopener noreferrer"; }
    }
    if (title) node.title = title;
    return node;
  }

  // The ?dimension= of the address when it names one of the select's options, else the first option.
  function initialDimension(select) {
    const asked = new URLSearchParams(window.location.search).get("dimension");
    const known = Array.from(select.options).map((o) => o.value);
    return known.includes(asked) ? asked : known[0];
  }

  // Keep the address in step with what is shown, so a picture can be linked to as it is.
  function remember(params) {
    const query = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(params)) {
      if (value === null || value === undefined || value === "" || value === false) query.delete(key);
      else query.set(key, value === true ? "1" : String(value));
    }
    const text = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (text ? "?" + text : ""));
  }

  function setStatus(text, isError) {
    const status = document.getElementById("picture-status");
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("error", Boolean(isError));
    status.hidden = !text;
  }

  // A floating tooltip inside a positioned container: lines of text, placed beside the pointer. Its
  // position is set through the CSSOM (element.style), which the CSP allows, unlike style attributes.
  function tooltip(box, container) {
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

  window.CtlkgPictures = Object.freeze({
    COMBINED, context, wordsOf, getJSON, safeHref, localHref, label, shortName, clustersOf, pairKey,
    pairScore, kindOf, formatScore, element, linkTo, initialDimension, remember, setStatus, tooltip,
  });
})();

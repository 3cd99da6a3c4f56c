// The network page: the nine clusters on a circle, sized by members, and a line for every pair that
// shares something in the chosen dimension, thicker and darker the higher the synergy score. Clicking a
// line (or Enter on it) lists the shared items in the side panel; the checkbox draws the shared items
// themselves as nodes between their clusters (a bipartite view).
//
// One request: /api/synergies/all.json carries every pair with the score and evidence of every dimension, so
// switching the dimension redraws from memory. The layout is deterministic (a circle; d3-force with
// fixed clusters and its own seeded random source for the items), so the tests and screenshots are stable.

import * as d3 from "./d3.js";
import { byId } from "./dom.js";
import * as P from "./pictures.js";

/**
 * A cluster as drawn: where it sits on the ring and how large it is.
 * @typedef {import("./pictures.js").Cluster & {angle: number, x: number, y: number, r: number}} Node
 * @typedef {{pair: import("./pictures.js").Pair, key: string, score: number}} Edge
 * @typedef {{edges: Edge[], top: number, width: import("d3-scale").ScaleLinear<number, number>}} Lines
 * A shared item in the bipartite view; x, y and the label's place are set when it is laid out.
 * @typedef {{key: string, item: import("./pictures.js").Evidence, kind: string, name: string,
 *            clusters: Set<string>, dimensions: Set<string>, id: string, r: number, x: number, y: number,
 *            labelWidth: number, label: {x: number, y: number, anchor: string} | null}} Item
 * A cluster pinned where the ring put it, for the force layout of the items.
 * @typedef {{id: string, fx: number, fy: number, r: number}} Pin
 * @typedef {{item: Item, cluster: Pin}} ItemLink
 * @typedef {{x0: number, y0: number, x1: number, y1: number}} Box
 */

// The page's elements, each found once by id and typed (every page module opens so: a list, not logic).
const page = byId("network-page", HTMLElement);
const { lang, words } = P.context(page);
const word = P.wordsOf(words);
const count = P.countsOf(words, lang);
const chart = byId("network-chart", HTMLElement);
const legend = byId("network-legend", HTMLElement);
const select = byId("dimension", HTMLSelectElement);
const itemsBox = byId("show-items", HTMLInputElement);
const panel = byId("evidence-body", HTMLElement);
const hint = byId("evidence-hint", HTMLElement);
const tip = P.tooltip(byId("tooltip", HTMLElement), chart);

// SVG user units; the drawing scales to the figure's width through the viewBox.
const WIDTH = 860;
const HEIGHT = 680;
const CENTRE = { x: WIDTH / 2, y: HEIGHT / 2 + 4 };
const RING = 245;
const ITEM_RADIUS = 6;
const KINDS = ["network", "project", "ecosystem", "pnrr", "techarea", "organisation", "programme", "site", "city"];
const kindColour = d3.scaleOrdinal(d3.schemeTableau10).domain([...KINDS, "other"]);

/** @type {{dimension: string, items: boolean, selected: string | null}} */
const state = {
  dimension: P.initialDimension(select),
  items: new URLSearchParams(window.location.search).get("items") === "1",
  selected: new URLSearchParams(window.location.search).get("pair"),  // "a--b" or "item:<href>"
};
/** @type {Node[]} */
let clusters = [];
/** @type {import("./pictures.js").Pair[]} */
let pairs = [];
/** @type {Map<string, Node>} */
let bySlug = new Map();

/**
 * The drawn cluster of a slug (every slug of the listing has one).
 * @param {string} slug
 * @returns {Node}
 */
function nodeOf(slug) {
  const node = bySlug.get(slug);
  if (!node) throw new Error("no cluster " + slug);
  return node;
}

const svg = d3.select(chart).insert("svg", ":first-child")
  .attr("viewBox", `0 0 ${WIDTH} ${HEIGHT}`)
  .attr("class", "network")
  .attr("role", "group")
  .attr("aria-label", document.querySelector("h1")?.textContent || "");
// Clicking the background clears the selection; clicks on lines and nodes stop before reaching it.
svg.append("rect").attr("class", "backdrop").attr("width", WIDTH).attr("height", HEIGHT)
  .on("click", () => choose(null));
const edgeLayer = svg.append("g").attr("class", "edges");
const itemLinkLayer = svg.append("g").attr("class", "item-links");
const nodeLayer = svg.append("g").attr("class", "nodes");
const itemLayer = svg.append("g").attr("class", "items");

// Clusters on a circle, clockwise from the top, in slug order (the order of every picture).
function placeClusters() {
  const size = d3.scaleSqrt()
    .domain([0, largest(clusters.map((c) => c.members || 0), 1)])
    .range([0, 38]);
  clusters.forEach((c, index) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * index) / clusters.length;
    c.angle = angle;
    c.x = CENTRE.x + RING * Math.cos(angle);
    c.y = CENTRE.y + RING * Math.sin(angle);
    c.r = Math.max(9, size(c.members || 0));
  });
}

/**
 * The largest of the values, and at least floor (a scale needs a domain that is not empty).
 * @param {number[]} values
 * @param {number} floor
 * @returns {number}
 */
function largest(values, floor) {
  return values.reduce((max, v) => (v > max ? v : max), floor);
}

/**
 * A name on up to three lines of about 14 characters, so long names without an acronym fit.
 * @param {string} text
 * @returns {string[]}
 */
function wrapName(text) {
  /** @type {string[]} */
  const out = [];
  for (const w of text.split(" ")) {
    const last = out.length - 1;
    if (last >= 0 && (out[last] + " " + w).length <= 14) out[last] += " " + w;
    else out.push(w);
  }
  return out.length > 3 ? [...out.slice(0, 2), out.slice(2).join(" ")] : out;
}

function drawNodes() {
  const node = nodeLayer.selectAll("g.node").data(clusters, (c) => c.slug).join((enter) => {
    const g = enter.append("g").attr("class", "node");
    const a = g.append("a");
    a.append("circle");
    a.append("text").attr("class", "name");
    // The count is drawn over the link, not in it: the link's name (which says the members in words) then
    // holds all the text the link shows, as a person using speech input reads it. Clicks go through it.
    g.append("text").attr("class", "count").attr("aria-hidden", "true");
    return g;
  });
  node.attr("data-cluster", (c) => c.slug)
    .attr("transform", (c) => `translate(${c.x},${c.y})`)
    .on("mouseenter", (event, c) => { highlight(c.slug); tip.show(event, [c.full, membersText(c)]); })
    .on("mousemove", (event) => tip.move(event))
    .on("mouseleave", () => { highlight(null); tip.hide(); });
  const a = node.select("a").attr("href", (c) => c.href ? c.href + "?lang=" + lang : null)
    .attr("aria-label", (c) => c.short + " (" + c.full + "), " + membersText(c));
  a.select("circle").attr("r", (c) => c.r);
  node.select("text.count").attr("dy", "0.35em").text((c) => (c.members !== null && c.r >= 14 ? c.members : ""));
  // The name sits outside the ring, on the node's own radius, anchored away from the centre.
  a.select("text.name").each(function (c) {
    const cos = Math.cos(c.angle);
    const sin = Math.sin(c.angle);
    const gap = c.r + 8;
    const text = d3.select(this)
      .attr("x", gap * cos)
      .attr("y", gap * sin)
      .attr("text-anchor", cos > 0.35 ? "start" : cos < -0.35 ? "end" : "middle");
    const parts = wrapName(c.short);
    // Above the node, the last line touches it; below, the first; beside it, the lines are centred.
    const first = sin < -0.5 ? -(parts.length - 1) * 1.1 : sin > 0.5 ? 0.8 : 0.35 - (parts.length - 1) * 0.55;
    text.selectAll("tspan").data(parts).join("tspan")
      .attr("x", gap * cos)
      .attr("dy", (_, i) => (i === 0 ? first + "em" : "1.1em"))
      // A space after each line but the last, so the words stay words in the link's text.
      .text((t, i) => (i < parts.length - 1 ? t + " " : t));
  });
}

/**
 * @param {Node} c
 * @returns {string}
 */
function membersText(c) {
  return c.members === null ? "" : count(c.members, "members");
}

/**
 * The pairs that share something in the dimension, weakest first so the strong lines are drawn on top.
 * @returns {Edge[]}
 */
function currentEdges() {
  return pairs
    .map((pair) => ({ pair, key: P.pairKey(pair), score: P.pairScore(pair, state.dimension) }))
    .filter((e) => e.score > 0)
    .sort((a, b) => a.score - b.score || (a.key < b.key ? -1 : 1));
}

/**
 * @param {import("./pictures.js").Pair} pair
 * @param {string} dimension
 * @returns {number}
 */
function sharedCount(pair, dimension) {
  return dimension === P.COMBINED ? pair.shared_count : pair.dimensions[dimension].shared_count;
}

/**
 * @param {import("./pictures.js").Pair} pair
 * @returns {string}
 */
function pairTitle(pair) {
  return nodeOf(pair.clusters[0].slug).short + " – " + nodeOf(pair.clusters[1].slug).short;
}

/** @returns {Lines} */
function drawEdges() {
  const edges = currentEdges();
  const top = largest(edges.map((e) => e.score), 0.01);
  // Scaled to the strongest pair of the dimension, so a dimension of low scores is still readable;
  // the legend says what the thickest line is worth.
  const width = d3.scaleLinear().domain([0, top]).range([1.2, 15]);
  const opacity = d3.scaleLinear().domain([0, top]).range([0.3, 0.9]);
  const edge = edgeLayer.selectAll("g.edge").data(edges, (e) => e.key).join((enter) => {
    const g = enter.append("g").attr("class", "edge").attr("tabindex", 0).attr("role", "button");
    g.append("line").attr("class", "hit");
    g.append("line").attr("class", "stroke");
    return g;
  });
  edge.order()
    .attr("data-pair", (e) => e.key)
    .attr("data-score", (e) => e.score)
    .attr("aria-label", (e) => `${pairTitle(e.pair)}: ${word("score")} ${P.formatScore(e.score)}`)
    .on("click", (event, e) => { event.stopPropagation(); choose(e.key); })
    .on("keydown", (event, e) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(e.key); }
    })
    .on("mouseenter", (event, e) => {
      tip.show(event, [pairTitle(e.pair), `${word("score")} ${P.formatScore(e.score)} · ` +
        count(sharedCount(e.pair, state.dimension), "shared_items")]);
    })
    .on("mousemove", (event) => tip.move(event))
    .on("mouseleave", () => tip.hide());
  edge.selectAll("line")
    .attr("x1", (e) => nodeOf(e.pair.clusters[0].slug).x)
    .attr("y1", (e) => nodeOf(e.pair.clusters[0].slug).y)
    .attr("x2", (e) => nodeOf(e.pair.clusters[1].slug).x)
    .attr("y2", (e) => nodeOf(e.pair.clusters[1].slug).y);
  edge.select("line.stroke")
    .attr("stroke-width", (e) => width(e.score))
    .attr("stroke-opacity", (e) => opacity(e.score));
  return { edges, top, width };
}

// The items shared in the dimension (every dimension for "combined"), each with the clusters that
// share it with another cluster and the dimensions it counts in.
/** @returns {Item[]} */
function sharedItems() {
  // "combined" counts the dimensions that weigh in it (all, with the default weights).
  const dims = state.dimension === P.COMBINED
    ? Object.keys(pairs[0] ? pairs[0].dimensions : {}).filter((d) => pairs[0].dimensions[d].weight > 0)
    : [state.dimension];
  /** @type {Map<string, Item>} */
  const items = new Map();
  for (const pair of pairs) {
    for (const d of dims) {
      for (const item of pair.dimensions[d].evidence) {
        const key = item.href || item.iri;
        let entry = items.get(key);
        if (!entry) {
          entry = { key, item, kind: P.kindOf(item.href), name: P.label(item.label, lang) || item.iri,
                    clusters: new Set(), dimensions: new Set(), id: "item:" + key, r: ITEM_RADIUS, x: 0, y: 0,
                    labelWidth: 0, label: null };
          items.set(key, entry);
        }
        for (const c of pair.clusters) entry.clusters.add(c.slug);
        entry.dimensions.add(d);
      }
    }
  }
  return Array.from(items.values()).sort((a, b) => (a.key < b.key ? -1 : 1));
}

// Items between their clusters: d3-force with the clusters pinned on the ring. The simulation runs to
// the end before anything is drawn (no animation), from positions that depend only on the data, and
// d3-force draws its jiggle from a seeded generator: the same data gives the same picture.
/**
 * @param {Item[]} items
 * @returns {ItemLink[]}
 */
function placeItems(items) {
  /** @type {Pin[]} */
  const pinned = clusters.map((c) => ({ id: c.slug, fx: c.x, fy: c.y, r: c.r }));
  items.forEach((it, index) => {
    const own = Array.from(it.clusters).map(nodeOf);
    const cx = own.reduce((s, c) => s + c.x, 0) / own.length;
    const cy = own.reduce((s, c) => s + c.y, 0) / own.length;
    const angle = index * 2.399963;  // the golden angle spreads the starting points evenly
    it.x = cx + 12 * Math.cos(angle);
    it.y = cy + 12 * Math.sin(angle);
  });
  /** @typedef {import("d3-force").SimulationNodeDatum & {id: string, r: number}} ForceNode */
  /** @type {Array<import("d3-force").SimulationLinkDatum<ForceNode>>} */
  const links = items.flatMap((it) => Array.from(it.clusters).map((slug) => ({ source: it.id, target: slug })));
  /** @type {ForceNode[]} */
  const nodes = [...pinned, ...items];
  const simulation = d3.forceSimulation(nodes)
    .force("link", d3.forceLink(links).id((n) => /** @type {ForceNode} */ (n).id).distance(80).strength(0.2))
    .force("charge", d3.forceManyBody().strength(-70))
    .force("collide", d3.forceCollide((n) => n.r + 12))
    .force("x", d3.forceX(CENTRE.x).strength(0.02))
    .force("y", d3.forceY(CENTRE.y).strength(0.02))
    .stop();
  simulation.tick(300);
  items.forEach((it) => {
    it.x = Math.min(WIDTH - 24, Math.max(24, it.x));
    it.y = Math.min(HEIGHT - 24, Math.max(24, it.y));
  });
  // The link force has replaced the ids of each link by the nodes themselves.
  return links.map((l) => ({ item: /** @type {Item} */ (l.source), cluster: /** @type {Pin} */ (l.target) }));
}

/** @returns {Item[]} */
function drawItems() {
  const items = state.items ? sharedItems() : [];
  /** @type {ItemLink[]} */
  const links = state.items ? placeItems(items) : [];
  svg.classed("bipartite", state.items);
  itemLinkLayer.selectAll("line.item-link").data(links, (l) => l.item.id + ">" + l.cluster.id)
    .join("line")
    .attr("class", "item-link")
    .attr("data-cluster", (l) => l.cluster.id)
    .attr("x1", (l) => l.item.x).attr("y1", (l) => l.item.y)
    .attr("x2", (l) => l.cluster.fx).attr("y2", (l) => l.cluster.fy)
    .attr("stroke", (l) => kindColour(l.item.kind));
  const item = itemLayer.selectAll("g.item").data(items, (it) => it.id).join((enter) => {
    const g = enter.append("g").attr("class", "item").attr("tabindex", 0).attr("role", "button");
    g.append("circle");
    g.append("text");
    return g;
  });
  item.attr("data-item", (it) => it.key)
    .attr("data-kind", (it) => it.kind)
    .attr("transform", (it) => `translate(${it.x},${it.y})`)
    .attr("aria-label", (it) => `${it.name} (${word("kind:" + it.kind)})`)
    .on("click", (event, it) => { event.stopPropagation(); choose(it.id); })
    .on("keydown", (event, it) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(it.id); }
    })
    .on("mouseenter", (event, it) => {
      tip.show(event, [it.name, word("kind:" + it.kind) + " · " +
        Array.from(it.clusters).map((slug) => nodeOf(slug).short).join(", ")]);
    })
    .on("mousemove", (event) => tip.move(event))
    .on("mouseleave", () => tip.hide());
  item.select("circle").attr("r", ITEM_RADIUS).attr("fill", (it) => kindColour(it.kind));
  // Names cut short (the tooltip and the panel give them whole), measured, then placed where they hide
  // nothing; a name that fits nowhere is left out rather than drawn over another.
  item.select("text")
    .text((it) => (it.name.length > 24 ? it.name.slice(0, 23) + "…" : it.name))
    .each(function (it) { it.labelWidth = /** @type {SVGTextElement} */ (this).getComputedTextLength(); });
  placeLabels(items);
  item.select("text")
    .attr("x", (it) => (it.label ? it.label.x : 0))
    .attr("y", (it) => (it.label ? it.label.y : 0))
    .attr("dy", "0.35em")
    .attr("text-anchor", (it) => (it.label ? it.label.anchor : "start"))
    .attr("visibility", (it) => (it.label ? null : "hidden"));
  return items;
}

// Greedy label placement: each item tries the spots beside its dot, the side away from the centre
// first, and takes the first one that overlaps no node, no cluster name, no dot and no label placed
// before it. Boxes are in SVG units; a label is about 13 units high at the CSS font size.
/** @param {Item[]} items */
function placeLabels(items) {
  const HEIGHT_OF_LABEL = 13;
  /** @type {Box[]} */
  const taken = [];
  /** @type {(x0: number, y0: number, x1: number, y1: number) => Box} */
  const box = (x0, y0, x1, y1) => ({ x0, y0, x1, y1 });
  /** @type {(a: Box) => boolean} */
  const overlaps = (a) => taken.some((b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1);
  clusters.forEach((c) => taken.push(box(c.x - c.r - 2, c.y - c.r - 2, c.x + c.r + 2, c.y + c.r + 2)));
  nodeLayer.selectAll("text.name").each(function (d) {
    const c = /** @type {Node} */ (d);
    const b = /** @type {SVGTextElement} */ (this).getBBox();
    taken.push(box(c.x + b.x, c.y + b.y, c.x + b.x + b.width, c.y + b.y + b.height));
  });
  items.forEach((it) => {
    const r = ITEM_RADIUS + 1;
    taken.push(box(it.x - r, it.y - r, it.x + r, it.y + r));
  });
  const ordered = items.slice().sort((a, b) => a.y - b.y || a.x - b.x);
  for (const it of ordered) {
    const outward = it.x < CENTRE.x ? -1 : 1;
    const gap = ITEM_RADIUS + 4;
    const spots = [];
    for (const side of [outward, -outward]) {
      for (const dy of [0, -10, 10, -18, 18]) spots.push({ side, dy });
    }
    it.label = null;
    for (const { side, dy } of spots) {
      const x0 = side > 0 ? it.x + gap : it.x - gap - it.labelWidth;
      const y = it.y + dy;
      const candidate = box(x0 - 1, y - HEIGHT_OF_LABEL / 2, x0 + it.labelWidth + 1, y + HEIGHT_OF_LABEL / 2);
      if (candidate.x0 < 2 || candidate.x1 > WIDTH - 2 || overlaps(candidate)) continue;
      taken.push(candidate);
      it.label = { x: side * gap, y: dy, anchor: side > 0 ? "start" : "end" };
      break;
    }
  }
}

// Under the drawing: what a line's thickness is worth (or the kinds of items, in the bipartite view),
// and the range of the node sizes.
/**
 * @param {Lines} lines
 * @param {Item[]} items
 */
function drawLegend(lines, items) {
  legend.replaceChildren();
  const list = P.element("ul", "legend");
  if (state.items) {
    const kinds = new Set(items.map((it) => it.kind));
    KINDS.concat("other").filter((k) => kinds.has(k)).forEach((k) => {
      const li = P.element("li");
      const swatch = d3.select(li).append("svg").attr("class", "swatch-svg").attr("width", 14).attr("height", 14);
      swatch.append("circle").attr("cx", 7).attr("cy", 7).attr("r", 6).attr("fill", kindColour(k));
      li.appendChild(document.createTextNode(" " + word("kind:" + k)));
      list.appendChild(li);
    });
  } else if (lines.edges.length) {
    // Three line samples, so the thickness reads as a score.
    const { top, width } = lines;
    [top / 4, top / 2, top].forEach((score) => {
      const li = P.element("li");
      const sample = d3.select(li).append("svg").attr("class", "swatch-svg").attr("width", 38).attr("height", 16);
      sample.append("line").attr("class", "legend-edge").attr("x1", 8).attr("x2", 30).attr("y1", 8).attr("y2", 8)
        .attr("stroke-width", width(score));
      li.appendChild(document.createTextNode(" " + word("score") + " " + P.formatScore(score)));
      list.appendChild(li);
    });
  }
  const sizes = clusters.map((c) => c.members).filter((m) => m !== null);
  if (sizes.length) {
    const li = P.element("li", "muted", "○ " + word("members") + " " + Math.min(...sizes) + "–" + Math.max(...sizes));
    list.appendChild(li);
  }
  legend.appendChild(list);
}

// Hovering a cluster brings its lines forward and fades the others.
/** @param {string | null} slug */
function highlight(slug) {
  svg.classed("focus", Boolean(slug));
  edgeLayer.selectAll("g.edge").classed("near", (e) => Boolean(slug) && e.key.split("--").includes(slug));
  itemLinkLayer.selectAll("line.item-link").classed("near", (l) => l.cluster.id === slug);
}

/**
 * @param {import("./pictures.js").Evidence[]} evidence
 * @returns {HTMLUListElement}
 */
function itemList(evidence) {
  const ul = P.element("ul", "evidence-list");
  evidence.forEach((item) => {
    const li = P.element("li");
    li.appendChild(P.linkTo(P.label(item.label, lang) || item.iri, item.href, item.iri));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(P.element("span", "tag kind", word("kind:" + P.kindOf(item.href))));
    ul.appendChild(li);
  });
  return ul;
}

/**
 * @param {string} slug
 * @returns {HTMLElement}
 */
function clusterLink(slug) {
  const c = nodeOf(slug);
  return P.linkTo(c.short, c.href ? c.href + "?lang=" + lang : null, c.full);
}

// The side panel for a pair: its score, then per dimension the fraction and the shared items.
/** @param {import("./pictures.js").Pair} pair */
function showPair(pair) {
  const dims = state.dimension === P.COMBINED
    ? Object.keys(pair.dimensions).filter((d) => pair.dimensions[d].shared_count > 0)
    : [state.dimension];
  const head = P.element("h3", "pair-title");
  head.appendChild(clusterLink(pair.clusters[0].slug));
  head.appendChild(document.createTextNode(" – "));
  head.appendChild(clusterLink(pair.clusters[1].slug));
  const score = P.element("p", "score-line");
  score.appendChild(P.element("strong", "", P.formatScore(P.pairScore(pair, state.dimension))));
  score.appendChild(document.createTextNode(` ${word("score")} · ${word("dim:" + state.dimension)} · ` +
    count(sharedCount(pair, state.dimension), "shared_items")));
  panel.replaceChildren(head, score);
  dims.forEach((d) => {
    const part = pair.dimensions[d];
    const section = P.element("section", "dimension-evidence");
    section.dataset.dimension = d;
    const title = P.element("h4", "", word("dim:" + d) + " ");
    // The fraction shared / (count_a + count_b - shared) is the whole computation: a reader can check it.
    title.appendChild(P.element("span", "muted small", `${part.shared_count}/${part.union_count} = ` +
      P.formatScore(part.score)));
    section.appendChild(title);
    section.appendChild(itemList(part.evidence));
    panel.appendChild(section);
  });
}

/** @param {Item} it */
function showItem(it) {
  const head = P.element("h3", "pair-title");
  head.appendChild(P.linkTo(it.name, it.item.href, it.item.iri));
  const kind = P.element("p", "score-line");
  kind.appendChild(P.element("span", "tag kind", word("kind:" + it.kind)));
  kind.appendChild(document.createTextNode(" " + Array.from(it.dimensions).map((d) => word("dim:" + d)).join(", ")));
  const by = P.element("h4", "", word("shared_by"));
  const ul = P.element("ul", "evidence-list");
  Array.from(it.clusters).sort().forEach((slug) => {
    const li = P.element("li");
    li.appendChild(clusterLink(slug));
    ul.appendChild(li);
  });
  panel.replaceChildren(head, kind, by, ul);
}

// Select a pair ("a--b"), an item ("item:<href>") or nothing, and show it in the panel.
/** @param {string | null} key */
function choose(key) {
  const pairEdge = edgeLayer.selectAll("g.edge").filter((e) => e.key === key);
  const itemNode = itemLayer.selectAll("g.item").filter((it) => it.id === key);
  state.selected = !pairEdge.empty() || !itemNode.empty() ? key : null;
  edgeLayer.selectAll("g.edge").classed("selected", (e) => e.key === state.selected)
    .attr("aria-pressed", (e) => String(e.key === state.selected));
  itemLayer.selectAll("g.item").classed("selected", (it) => it.id === state.selected);
  itemLinkLayer.selectAll("line.item-link").classed("selected", (l) => l.item.id === state.selected);
  svg.classed("has-selection", state.selected !== null);
  if (!pairEdge.empty()) showPair(pairEdge.datum().pair);
  else if (!itemNode.empty()) showItem(itemNode.datum());
  else panel.replaceChildren();
  hint.hidden = state.selected !== null;
  P.remember({ pair: state.selected });
}

function draw() {
  const lines = drawEdges();
  const items = drawItems();
  drawLegend(lines, items);
  P.setStatus(lines.edges.length ? "" : word("no_links"), false);
  choose(state.selected);
}

select.value = state.dimension;
itemsBox.checked = state.items;
select.addEventListener("change", () => {
  state.dimension = select.value;
  P.remember({ dimension: state.dimension === P.COMBINED ? null : state.dimension });
  draw();
});
itemsBox.addEventListener("change", () => {
  state.items = itemsBox.checked;
  P.remember({ items: state.items });
  draw();
});

P.getJSON("/api/synergies/all.json").then((listing) => {
  pairs = listing.synergies;
  clusters = P.clustersOf(listing, lang).map((c) => ({ ...c, angle: 0, x: 0, y: 0, r: 0 }));  // placed next
  bySlug = new Map(clusters.map((c) => [c.slug, c]));
  placeClusters();
  drawNodes();
  draw();
}).catch((error) => P.setStatus(word("error") + ": " + error.message, true));

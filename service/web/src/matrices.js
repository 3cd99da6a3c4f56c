// The matrices page: the 9x9 synergy heat map (one dimension at a time), the PNRR coverage charts
// (cluster x mission, cluster x component) and the S3 coverage chart (cluster x ecosystem), drawn as SVG
// from /api/synergies/all.json and the named queries pnrr-coverage and s3-coverage (plain JSON rows).
// Gaps are drawn, not just left blank: a mission, component or ecosystem no cluster covers gets a hatched
// column and a red header; an ecosystem that only declarations reach, no project, gets an amber one.

import * as d3 from "./d3.js";
import { byId } from "./dom.js";
import * as P from "./pictures.js";

/**
 * @typedef {import("./pictures.js").Cluster} Cluster
 * @typedef {import("./pictures.js").Pair} Pair
 * d3 selections are passed between the drawing functions whatever their element and datum.
 * @typedef {import("d3-selection").Selection<any, any, any, any>} AnySelection
 * A row of a named query's JSON result: variable -> value.
 * @typedef {Record<string, any>} Row
 * @typedef {{row: Cluster, col: Cluster, key: string, pair: Pair | null}} HeatCell
 * A cell of a coverage chart: a cluster that covers the column, and how.
 * @typedef {{cluster: string, projects?: string, declared?: boolean, through?: boolean}} CoverCell
 * @typedef {{key: string, text: string, title: string, href: string | null, state: string | null,
 *            cells: CoverCell[], x: number, group?: string | null, level?: string, count?: number,
 *            declared?: number, through?: number}} Column
 * @typedef {{key: string, title: string, href: string | null, uncovered: boolean}} Group
 * @typedef {{label: string, value: (c: Column) => string | number | undefined, bad: (c: Column) => boolean}} CountRow
 * @typedef {{column: Column, cell: CoverCell}} Mark
 * @typedef {{className: string, label: string, cell: number, rotate: number, groups?: Group[],
 *            counts?: CountRow[], mark: (marks: AnySelection, size: number) => void,
 *            describe: (cell: CoverCell) => string[]}} ChartOptions
 */

const page = byId("matrices-page", HTMLElement);
const { lang, words } = P.context(page);
const word = P.wordsOf(words);
const count = P.countsOf(words, lang);
const select = byId("dimension", HTMLSelectElement);

const CELL = 50;           // heat map cell
const ROW_LABELS = 176;    // room for the clusters' names on the left

// A tooltip per figure, shared by its cells.
/**
 * @param {HTMLElement} figure
 * @returns {import("./pictures.js").Tooltip}
 */
function tooltipFor(figure) {
  const box = P.element("div", "tooltip");
  box.setAttribute("role", "tooltip");
  box.hidden = true;
  figure.appendChild(box);
  return P.tooltip(box, figure);
}

/**
 * @param {AnySelection} selection
 * @param {import("./pictures.js").Tooltip} tip
 * @param {(d: any) => string[]} linesOf
 */
function hover(selection, tip, linesOf) {
  selection
    .on("mouseenter", (event, d) => tip.show(event, linesOf(d)))
    .on("mousemove", (event) => tip.move(event))
    .on("mouseleave", () => tip.hide());
}

// Diagonal hatching for the columns nobody covers; defined once per SVG (ids are per document, so
// each chart names its own).
/**
 * @param {AnySelection} svg
 * @param {string} id
 * @param {string} className
 * @returns {string}
 */
function hatch(svg, id, className) {
  const pattern = svg.append("defs").append("pattern").attr("id", id).attr("class", className)
    .attr("patternUnits", "userSpaceOnUse").attr("width", 8).attr("height", 8)
    .attr("patternTransform", "rotate(45)");
  pattern.append("rect").attr("width", 8).attr("height", 8).attr("class", "hatch-ground");
  pattern.append("line").attr("x1", 0).attr("y1", 0).attr("x2", 0).attr("y2", 8).attr("class", "hatch-line");
  return `url(#${id})`;
}

// Size an SVG to what was drawn in it (rotated labels included), at its natural size: the charts are
// drawn first and measured after, so no label is ever cut by a guessed margin.
/** @param {AnySelection} svg */
function fit(svg) {
  const box = svg.node().getBBox();
  const pad = 6;
  svg.attr("viewBox", `${box.x - pad} ${box.y - pad} ${box.width + 2 * pad} ${box.height + 2 * pad}`)
    .attr("width", Math.ceil(box.width + 2 * pad))
    .attr("height", Math.ceil(box.height + 2 * pad));
}

/**
 * @param {AnySelection} svg
 * @param {Cluster[]} clusters
 * @param {number} top
 * @param {number} height
 */
function rowLabels(svg, clusters, top, height) {
  const rows = svg.append("g").attr("class", "row-labels");
  clusters.forEach((c, i) => {
    const a = rows.append("a").attr("href", c.href ? c.href + "?lang=" + lang : null);
    a.append("title").text(c.full);
    a.append("text").attr("x", ROW_LABELS - 10).attr("y", top + i * height + height / 2)
      .attr("dy", "0.35em").attr("text-anchor", "end").text(c.short);
  });
}

// ---- Synergy heat map -------------------------------------------------------------------------

/**
 * @param {import("./pictures.js").Listing} listing
 * @param {Cluster[]} clusters
 */
function heatmap(listing, clusters) {
  const figure = byId("heatmap", HTMLElement);
  const tip = tooltipFor(figure);
  const top = 104;
  const size = clusters.length * CELL;
  const legendX = ROW_LABELS + size + 28;
  const svg = d3.select(figure).insert("svg", ":first-child")
    .attr("class", "matrix heatmap")
    .attr("role", "group")
    .attr("aria-label", byId("synergy-title", HTMLElement).textContent);
  const pairs = new Map(listing.synergies.map((p) => [P.pairKey(p), p]));
  /** @type {(slug: string) => number} */
  const index = (slug) => clusters.findIndex((c) => c.slug === slug);
  /** @type {HeatCell[]} */
  const cells = [];
  clusters.forEach((row) => clusters.forEach((col) => {
    const key = row.slug < col.slug ? row.slug + "--" + col.slug : col.slug + "--" + row.slug;
    cells.push({ row, col, key, pair: row.slug === col.slug ? null : pairs.get(key) || null });
  }));

  rowLabels(svg, clusters, top, CELL);
  const cols = svg.append("g").attr("class", "col-labels");
  clusters.forEach((c, i) => {
    const x = ROW_LABELS + i * CELL + CELL / 2;
    cols.append("text").attr("transform", `translate(${x},${top - 8}) rotate(-40)`).text(c.short)
      .append("title").text(c.full);
  });

  // Each cell links to the pair on the network page, where its evidence is listed.
  const cell = svg.append("g").attr("class", "cells").selectAll("a.cell").data(cells).join("a")
    .attr("class", (d) => (d.pair ? "cell" : "cell diagonal"))
    .attr("transform", (d) => `translate(${ROW_LABELS + index(d.col.slug) * CELL},${top + index(d.row.slug) * CELL})`);
  cell.append("rect").attr("width", CELL - 2).attr("height", CELL - 2).attr("rx", 4)
    .attr("data-row", (d) => d.row.slug).attr("data-col", (d) => d.col.slug);
  cell.append("text").attr("x", (CELL - 2) / 2).attr("y", (CELL - 2) / 2).attr("dy", "0.35em");

  const legend = svg.append("g").attr("class", "heat-legend").attr("transform", `translate(${legendX},${top})`);
  const gradient = svg.append("defs").append("linearGradient").attr("id", "heat-gradient")
    .attr("x1", 0).attr("y1", 1).attr("x2", 0).attr("y2", 0);
  legend.append("rect").attr("width", 14).attr("height", size).attr("fill", "url(#heat-gradient)");
  const ticks = legend.append("g");

  function paint() {
    const dimension = select.value;
    const scores = cells.flatMap((d) => (d.pair ? [P.pairScore(d.pair, dimension)] : []));
    // Scaled to the dimension's best pair, so differences show even where every score is low.
    const top = Math.max(0.01, ...scores);
    const colour = d3.scaleSequential(d3.interpolateYlGnBu).domain([0, top]);
    /** @type {(d: HeatCell) => number} */
    const score = (d) => (d.pair ? P.pairScore(d.pair, dimension) : 0);
    cell.attr("href", (d) => (d.pair
      ? `/network?lang=${lang}&pair=${d.key}` + (dimension === P.COMBINED ? "" : `&dimension=${dimension}`)
      : null));
    cell.select("rect")
      .attr("data-score", (d) => (d.pair ? score(d) : null))
      .attr("fill", (d) => (d.pair === null ? null : score(d) > 0 ? colour(score(d)) : null))
      .classed("zero", (d) => d.pair !== null && score(d) === 0);
    cell.select("text")
      // Two decimals in every cell, so the columns of figures line up; a plain 0 for nothing shared.
      .text((d) => (d.pair === null ? "" : score(d) === 0 ? "0" : score(d).toFixed(2)))
      .classed("light", (d) => d.pair !== null && score(d) > top * 0.55);
    hover(cell.filter((d) => d.pair !== null), tip, (d) => [
      d.row.short + " – " + d.col.short,
      `${word("dim:" + dimension)}: ${P.formatScore(score(d))} · ` +
        count((dimension === P.COMBINED ? d.pair?.shared_count : d.pair?.dimensions[dimension].shared_count) ?? 0,
          "shared_items"),
    ]);
    gradient.selectAll("stop").data(d3.scaleLinear().domain([0, 1]).ticks(10)).join("stop")
      .attr("offset", (t) => t).attr("stop-color", (t) => colour(t * top));
    ticks.selectAll("text").data([0, top / 2, top]).join("text")
      .attr("x", 20).attr("y", (t) => size - (t / top) * size).attr("dy", "0.35em")
      .text((t) => P.formatScore(t));
  }

  select.value = P.initialDimension(select);
  select.addEventListener("change", () => {
    P.remember({ dimension: select.value === P.COMBINED ? null : select.value });
    paint();
  });
  paint();
  fit(svg);
}

// ---- Coverage charts ----------------------------------------------------------------------------

// One chart: clusters down, columns across (optionally grouped under a header row), a mark per
// covered cell, hatched columns for the gaps and count rows at the bottom.
//   options.cell: the cell size; options.rotate: the angle of the column labels (0 = level);
//   options.groups: [{key, title, uncovered}] headers over the columns whose .group is key;
//   options.counts: [{label, value(column), bad(column)}] one row each under the chart;
//   options.mark(selection), options.describe(cell): how a covered cell is drawn and described.
/**
 * @param {HTMLElement} figure
 * @param {Cluster[]} clusters
 * @param {Column[]} columns
 * @param {ChartOptions} options
 * @returns {AnySelection}
 */
function coverageChart(figure, clusters, columns, options) {
  const tip = tooltipFor(figure);
  const size = options.cell;
  const groups = options.groups || null;
  // Level labels need one line; rotated ones are given room by fit() afterwards.
  const top = (groups ? 40 : 22) + (options.rotate ? 8 : 0);
  let x = ROW_LABELS;
  /** @type {string | null | undefined} */
  let previous = null;
  columns.forEach((col) => {
    if (groups && previous !== null && col.group !== previous) x += 10;
    col.x = x;
    previous = col.group;
    x += size;
  });
  const height = clusters.length * size;
  const svg = d3.select(figure).append("svg")
    .attr("class", "matrix coverage " + options.className)
    .attr("role", "group")
    .attr("aria-label", options.label);
  const gapFill = hatch(svg, options.className + "-gap", "hatch gap");
  const thinFill = hatch(svg, options.className + "-thin", "hatch thin");

  // Zebra rows, so a row can be followed across.
  svg.append("g").attr("class", "rows").selectAll("rect").data(clusters).join("rect")
    .attr("x", ROW_LABELS - 4).attr("y", (_, i) => top + i * size).attr("width", x - ROW_LABELS + 8)
    .attr("height", size).attr("class", (_, i) => (i % 2 ? "zebra odd" : "zebra"));
  rowLabels(svg, clusters, top, size);

  if (groups) {
    const groupRow = svg.append("g").attr("class", "group-labels");
    groups.forEach((g) => {
      const members = columns.filter((c) => c.group === g.key);
      if (!members.length) return;
      const x0 = members[0].x;
      const x1 = members[members.length - 1].x + size;
      groupRow.append("line").attr("x1", x0 + 2).attr("x2", x1 - 2).attr("y1", 18).attr("y2", 18);
      const a = groupRow.append("a").attr("href", g.href);
      a.append("title").text(g.title);
      a.append("text").attr("x", (x0 + x1) / 2).attr("y", 12).attr("text-anchor", "middle")
        .attr("class", g.uncovered ? "uncovered" : null).text(g.key);
    });
  }

  const column = svg.append("g").attr("class", "columns").selectAll("g.column").data(columns).join("g")
    .attr("class", (c) => "column" + (c.state ? " " + c.state : ""))
    .attr("data-item", (c) => c.key)
    .attr("transform", (c) => `translate(${c.x},0)`);
  column.filter((c) => c.state !== null).append("rect").attr("class", "column-mark")
    .attr("y", top).attr("width", size).attr("height", height)
    .attr("fill", (c) => (c.state === "uncovered" ? gapFill : thinFill));
  const head = column.append("a").attr("href", (c) => c.href);
  head.append("title").text((c) => c.title);
  head.append("text").attr("class", "col-label")
    .attr("transform", options.rotate
      ? `translate(${size / 2 + 4},${top - 8}) rotate(${options.rotate})`
      : `translate(${size / 2},${top - 8})`)
    .attr("text-anchor", options.rotate ? "start" : "middle")
    .text((c) => c.text);
  hover(column.filter((c) => c.state !== null), tip, (c) => [c.title, word(c.state === "uncovered" ? "uncovered" : "no_projects")]);

  // Count rows: a label on the left, one number per column, zeros in red.
  (options.counts || []).forEach((row, index) => {
    const y = top + height + 18 + index * 17;
    svg.append("text").attr("class", "count-label").attr("x", ROW_LABELS - 10).attr("y", y)
      .attr("text-anchor", "end").text(row.label);
    column.append("text").attr("class", (c) => "count" + (row.bad(c) ? " bad" : ""))
      .attr("x", size / 2).attr("y", y).attr("text-anchor", "middle").text((c) => row.value(c) ?? "");
  });

  // The marks, one group per covered (column, cluster), drawn by the caller's function.
  /** @type {(iri: string) => number} */
  const rowOf = (iri) => clusters.findIndex((c) => c.iri === iri);
  const marks = svg.append("g").attr("class", "marks").selectAll("g.mark")
    .data(columns.flatMap((c) => c.cells.filter((cell) => rowOf(cell.cluster) >= 0).map((cell) => ({ column: c, cell }))))
    .join("g")
    .attr("class", "mark")
    .attr("data-item", (m) => m.column.key)
    .attr("data-cluster", (m) => clusters[rowOf(m.cell.cluster)].slug)
    .attr("transform", (m) => `translate(${m.column.x + size / 2},${top + rowOf(m.cell.cluster) * size + size / 2})`);
  options.mark(marks, size);
  hover(marks, tip, (m) => [clusters[rowOf(m.cell.cluster)].short + " · " + m.column.title, ...options.describe(m.cell)]);
  fit(svg);
  return svg;
}

// The clusters a coverage row names, grouped per column in the order of the rows.
/**
 * @param {Row[]} rows
 * @param {(row: Row) => string} keyOf
 * @returns {Map<string, {key: string, rows: Row[]}>}
 */
function byColumn(rows, keyOf) {
  /** @type {Map<string, {key: string, rows: Row[]}>} */
  const columns = new Map();
  rows.forEach((row) => {
    const key = keyOf(row);
    const column = columns.get(key) || { key, rows: [] };
    column.rows.push(row);
    columns.set(key, column);
  });
  return columns;
}

/**
 * @param {{rows: Row[]}} result
 * @param {Cluster[]} clusters
 */
function pnrr(result, clusters) {
  const rows = result.rows;
  const columns = byColumn(rows, (r) => r.notation || r.item);
  /** @type {Column[]} */
  const described = Array.from(columns.values()).map((col) => {
    const first = col.rows[0];
    const count = first.cluster_count;
    return {
      key: col.key,
      level: first.item_level,
      group: first.item_level === "component" ? col.key.replace(/C\d+$/, "") : null,
      text: col.key,
      title: first.item_label ? col.key + " — " + first.item_label : col.key,
      href: P.iriHref(first.item),
      count,
      x: 0,
      state: count === 0 ? "uncovered" : null,
      cells: col.rows.filter((r) => r.cluster).map((r) => ({ cluster: r.cluster, projects: r.projects })),
    };
  }).sort((a, b) => (a.key < b.key ? -1 : 1));
  const missions = described.filter((c) => c.level === "mission");
  const components = described.filter((c) => c.level === "component");
  // Components are labelled C1, C2... under their mission's header; the tooltip names them in full.
  components.forEach((c) => { c.text = c.group ? c.key.slice(c.group.length) : c.key; });
  /** @type {ChartOptions["mark"]} */
  const mark = (marks, size) => marks.append("rect").attr("class", "covered")
    .attr("x", -size / 2 + 5).attr("y", -size / 2 + 5).attr("width", size - 10).attr("height", size - 10).attr("rx", 4);
  /** @type {ChartOptions["describe"]} */
  const describe = (cell) => (cell.projects ? [cell.projects] : []);
  /** @type {CountRow[]} */
  const counts = [{ label: word("clusters_count"), value: (c) => c.count, bad: (c) => c.count === 0 }];
  coverageChart(byId("pnrr-missions", HTMLElement), clusters, missions, {
    className: "pnrr-missions", label: word("by_mission"), cell: 34, rotate: 0, mark, describe, counts,
  });
  coverageChart(byId("pnrr-components", HTMLElement), clusters, components, {
    className: "pnrr-components", label: word("by_component"), cell: 30, rotate: 0, mark, describe, counts,
    groups: missions.map((m) => ({ key: m.key, title: m.title, href: m.href, uncovered: m.state === "uncovered" })),
  });
  // A key under the charts, one block per mission with its components; the gaps are marked.
  const key = byId("pnrr-key", HTMLElement);
  key.replaceChildren();
  missions.forEach((m) => {
    const block = P.element("dl", "key-block");
    [m, ...components.filter((c) => c.group === m.key)].forEach((c) => {
      const wrap = P.element("div", c.level === "mission" ? "key-mission" : "key-component");
      if (c.state) wrap.classList.add(c.state);
      const dt = P.element("dt");
      dt.appendChild(P.linkTo(c.key, c.href ? c.href + "?lang=" + lang : null));
      const dd = P.element("dd", "", c.title.slice(c.key.length + 1));
      if (c.state === "uncovered") dd.appendChild(P.element("span", "tag gap", word("uncovered")));
      wrap.append(dt, dd);
      block.appendChild(wrap);
    });
    key.appendChild(block);
  });
}

/**
 * @param {{rows: Row[]}} result
 * @param {Cluster[]} clusters
 */
function s3(result, clusters) {
  const columns = byColumn(result.rows, (r) => r.ecosystem);
  /** @type {Column[]} */
  const described = Array.from(columns.values()).map((col) => {
    const first = col.rows[0];
    const covered = col.rows.some((r) => r.cluster);
    const slug = (P.iriHref(first.ecosystem) || "").split("/").pop();
    return {
      key: slug || first.ecosystem,
      text: first.ecosystem_label || first.notation || slug,
      title: first.ecosystem_label || first.notation || slug,
      href: (P.iriHref(first.ecosystem) || "") + "?lang=" + lang,
      x: 0,
      declared: first.declared_count,
      through: first.through_projects_count,
      state: !covered ? "uncovered" : first.through_projects_count === 0 ? "no-projects" : null,
      cells: col.rows.filter((r) => r.cluster).map((r) => ({
        cluster: r.cluster, declared: r.declared === true, through: r.through_projects === true, projects: r.projects,
      })),
    };
  });
  const figure = byId("s3-matrix", HTMLElement);
  coverageChart(figure, clusters, described, {
    className: "s3", label: byId("s3-title", HTMLElement).textContent || "", cell: 42, rotate: -40,
    counts: [
      { label: word("declared"), value: (c) => c.declared, bad: (c) => c.declared === 0 },
      { label: word("through_projects"), value: (c) => c.through, bad: (c) => c.through === 0 },
    ],
    // Declared: an open square; reached through projects: a filled dot; both: the dot in the square.
    mark: (marks) => {
      marks.filter((m) => m.cell.declared).append("rect").attr("class", "declared")
        .attr("x", -12).attr("y", -12).attr("width", 24).attr("height", 24).attr("rx", 3);
      marks.filter((m) => m.cell.through).append("circle").attr("class", "through").attr("r", 6.5);
    },
    describe: (cell) => [
      [cell.declared ? word("declared") : null, cell.through ? word("through_projects") : null]
        .filter(Boolean).join(" · "),
      ...(cell.projects ? [cell.projects] : []),
    ],
  });
}

/** @type {(path: string) => string} */
const url = (path) => `${path}?lang=${encodeURIComponent(lang)}`;
Promise.all([
  P.getJSON("/api/synergies/all.json"),
  P.getJSON(url("/api/queries/pnrr-coverage") + "&level=all"),
  P.getJSON(url("/api/queries/s3-coverage")),
]).then(([listing, pnrrResult, s3Result]) => {
  const clusters = P.clustersOf(listing, lang);
  heatmap(listing, clusters);
  pnrr(pnrrResult, clusters);
  s3(s3Result, clusters);
  P.setStatus("", false);
}).catch((error) => P.setStatus(word("error") + ": " + error.message, true));

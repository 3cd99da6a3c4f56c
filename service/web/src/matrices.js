// The matrices page: the 9x9 synergy heat map (one dimension at a time), the PNRR coverage charts
// (cluster x mission, cluster x component) and the S3 coverage chart (cluster x ecosystem), drawn as SVG
// from /api/synergies and the named queries pnrr-coverage and s3-coverage (plain JSON rows).
// Gaps are drawn, not just left blank: a mission, component or ecosystem no cluster covers gets a hatched
// column and a red header; an ecosystem that only declarations reach, no project, gets an amber one.
"use strict";

(function () {
  const page = document.getElementById("matrices-page");
  const d3 = window.CtlkgCharts;
  const P = window.CtlkgPictures;
  if (!page || !d3 || !P) return;

  const { lang, base, words } = P.context(page);
  const word = P.wordsOf(words);
  const select = document.getElementById("dimension");

  const CELL = 50;           // heat map cell
  const COVER = 30;          // coverage cell
  const ROW_LABELS = 176;    // room for the clusters' names on the left

  // A tooltip per figure, shared by its cells.
  function tooltipFor(figure) {
    const box = P.element("div", "tooltip");
    box.setAttribute("role", "tooltip");
    box.hidden = true;
    figure.appendChild(box);
    return P.tooltip(box, figure);
  }

  function hover(selection, tip, linesOf) {
    selection
      .on("mouseenter", (event, d) => tip.show(event, linesOf(d)))
      .on("mousemove", (event) => tip.move(event))
      .on("mouseleave", () => tip.hide());
  }

  // Diagonal hatching for the columns nobody covers; defined once per SVG (ids are per document, so
  // each chart names its own).
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
  function fit(svg) {
    const box = svg.node().getBBox();
    const pad = 6;
    svg.attr("viewBox", `${box.x - pad} ${box.y - pad} ${box.width + 2 * pad} ${box.height + 2 * pad}`)
      .attr("width", Math.ceil(box.width + 2 * pad))
      .attr("height", Math.ceil(box.height + 2 * pad));
  }

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

  function heatmap(listing, clusters) {
    const figure = document.getElementById("heatmap");
    const tip = tooltipFor(figure);
    const top = 104;
    const size = clusters.length * CELL;
    const legendX = ROW_LABELS + size + 28;
    const svg = d3.select(figure).insert("svg", ":first-child")
      .attr("class", "matrix heatmap")
      .attr("role", "group")
      .attr("aria-label", document.getElementById("synergy-title").textContent);
    const pairs = new Map(listing.synergies.map((p) => [P.pairKey(p), p]));
    const index = new Map(clusters.map((c, i) => [c.slug, i]));
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
      .attr("transform", (d) => `translate(${ROW_LABELS + index.get(d.col.slug) * CELL},${top + index.get(d.row.slug) * CELL})`);
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
      const scores = cells.filter((d) => d.pair).map((d) => P.pairScore(d.pair, dimension));
      // Scaled to the dimension's best pair, so differences show even where every score is low.
      const top = Math.max(0.01, ...scores);
      const colour = d3.scaleSequential(d3.interpolateYlGnBu).domain([0, top]);
      const score = (d) => (d.pair ? P.pairScore(d.pair, dimension) : null);
      cell.attr("href", (d) => (d.pair
        ? `/network?lang=${lang}&pair=${d.key}` + (dimension === P.COMBINED ? "" : `&dimension=${dimension}`)
        : null));
      cell.select("rect")
        .attr("data-score", (d) => score(d))
        .attr("fill", (d) => (d.pair === null ? null : score(d) > 0 ? colour(score(d)) : null))
        .classed("zero", (d) => d.pair !== null && score(d) === 0);
      cell.select("text")
        // Two decimals in every cell, so the columns of figures line up; a plain 0 for nothing shared.
        .text((d) => (d.pair === null ? "" : score(d) === 0 ? "0" : score(d).toFixed(2)))
        .classed("light", (d) => d.pair !== null && score(d) > top * 0.55);
      hover(cell.filter((d) => d.pair), tip, (d) => [
        d.row.short + " – " + d.col.short,
        `${word("dim:" + dimension)}: ${P.formatScore(score(d))} · ` +
          `${dimension === P.COMBINED ? d.pair.shared_count : d.pair.dimensions[dimension].shared_count} ` +
          word("shared_items"),
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
  function coverageChart(figure, clusters, columns, options) {
    const tip = tooltipFor(figure);
    const size = options.cell;
    const groups = options.groups || null;
    // Level labels need one line; rotated ones are given room by fit() afterwards.
    const top = (groups ? 40 : 22) + (options.rotate ? 8 : 0);
    let x = ROW_LABELS;
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
    column.filter((c) => c.state).append("rect").attr("class", "column-mark")
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
    hover(column.filter((c) => c.state), tip, (c) => [c.title, word(c.state === "uncovered" ? "uncovered" : "no_projects")]);

    // Count rows: a label on the left, one number per column, zeros in red.
    (options.counts || []).forEach((row, index) => {
      const y = top + height + 18 + index * 17;
      svg.append("text").attr("class", "count-label").attr("x", ROW_LABELS - 10).attr("y", y)
        .attr("text-anchor", "end").text(row.label);
      column.append("text").attr("class", (c) => "count" + (row.bad(c) ? " bad" : ""))
        .attr("x", size / 2).attr("y", y).attr("text-anchor", "middle").text((c) => row.value(c));
    });

    // The marks, one group per covered (column, cluster), drawn by the caller's function.
    const rowOf = new Map(clusters.map((c, i) => [c.iri, i]));
    const marks = svg.append("g").attr("class", "marks").selectAll("g.mark")
      .data(columns.flatMap((c) => c.cells.filter((cell) => rowOf.has(cell.cluster)).map((cell) => ({ column: c, cell }))))
      .join("g")
      .attr("class", "mark")
      .attr("data-item", (m) => m.column.key)
      .attr("data-cluster", (m) => clusters[rowOf.get(m.cell.cluster)].slug)
      .attr("transform", (m) => `translate(${m.column.x + size / 2},${top + rowOf.get(m.cell.cluster) * size + size / 2})`);
    options.mark(marks, size);
    hover(marks, tip, (m) => [clusters[rowOf.get(m.cell.cluster)].short + " · " + m.column.title, ...options.describe(m.cell)]);
    fit(svg);
    return svg;
  }

  // The clusters a coverage row names, grouped per column in the order of the rows.
  function byColumn(rows, keyOf) {
    const columns = new Map();
    rows.forEach((row) => {
      const key = keyOf(row);
      if (!columns.has(key)) columns.set(key, { key, rows: [] });
      columns.get(key).rows.push(row);
    });
    return columns;
  }

  function pnrr(result, clusters) {
    const rows = result.rows;
    const columns = byColumn(rows, (r) => r.notation || r.item);
    const described = Array.from(columns.values()).map((col) => {
      const first = col.rows[0];
      const count = first.cluster_count;
      return {
        key: col.key,
        level: first.item_level,
        group: first.item_level === "component" ? col.key.replace(/C\d+$/, "") : null,
        text: col.key,
        title: col.key + " " + (first.item_label || ""),
        href: P.localHref(first.item, base),
        count,
        state: count === 0 ? "uncovered" : null,
        cells: col.rows.filter((r) => r.cluster).map((r) => ({ cluster: r.cluster, projects: r.projects })),
      };
    }).sort((a, b) => (a.key < b.key ? -1 : 1));
    const missions = described.filter((c) => c.level === "mission");
    const components = described.filter((c) => c.level === "component");
    // Components are labelled C1, C2... under their mission's header; the tooltip names them in full.
    components.forEach((c) => { c.text = c.group ? c.key.slice(c.group.length) : c.key; });
    const mark = (marks, size) => marks.append("rect").attr("class", "covered")
      .attr("x", -size / 2 + 5).attr("y", -size / 2 + 5).attr("width", size - 10).attr("height", size - 10).attr("rx", 4);
    const describe = (cell) => (cell.projects ? [cell.projects] : []);
    const counts = [{ label: word("clusters_count"), value: (c) => c.count, bad: (c) => c.count === 0 }];
    coverageChart(document.getElementById("pnrr-missions"), clusters, missions, {
      className: "pnrr-missions", label: word("by_mission"), cell: 34, rotate: 0, mark, describe, counts,
    });
    coverageChart(document.getElementById("pnrr-components"), clusters, components, {
      className: "pnrr-components", label: word("by_component"), cell: 30, rotate: 0, mark, describe, counts,
      groups: missions.map((m) => ({ key: m.key, title: m.title, href: m.href, uncovered: m.state === "uncovered" })),
    });
    // A key under the charts, one block per mission with its components; the gaps are marked.
    const key = document.getElementById("pnrr-key");
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

  function s3(result, clusters) {
    const columns = byColumn(result.rows, (r) => r.ecosystem);
    const described = Array.from(columns.values()).map((col) => {
      const first = col.rows[0];
      const covered = col.rows.some((r) => r.cluster);
      const slug = (P.localHref(first.ecosystem, base) || "").split("/").pop();
      return {
        key: slug || first.ecosystem,
        text: first.ecosystem_label || first.notation || slug,
        title: first.ecosystem_label || first.notation || slug,
        href: (P.localHref(first.ecosystem, base) || "") + "?lang=" + lang,
        declared: first.declared_count,
        through: first.through_projects_count,
        state: !covered ? "uncovered" : first.through_projects_count === 0 ? "no-projects" : null,
        cells: col.rows.filter((r) => r.cluster).map((r) => ({
          cluster: r.cluster, declared: r.declared === true, through: r.through_projects === true, projects: r.projects,
        })),
      };
    });
    const figure = document.getElementById("s3-matrix");
    coverageChart(figure, clusters, described, {
      className: "s3", label: document.getElementById("s3-title").textContent, cell: 42, rotate: -40,
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

  const url = (path) => `${path}?lang=${encodeURIComponent(lang)}`;
  Promise.all([
    P.getJSON("/api/synergies"),
    P.getJSON(url("/api/queries/pnrr-coverage") + "&level=all"),
    P.getJSON(url("/api/queries/s3-coverage")),
  ]).then(([listing, pnrrResult, s3Result]) => {
    const clusters = P.clustersOf(listing, lang);
    heatmap(listing, clusters);
    pnrr(pnrrResult, clusters);
    s3(s3Result, clusters);
    P.setStatus("", false);
  }).catch((error) => P.setStatus(word("error") + ": " + error.message, true));
})();

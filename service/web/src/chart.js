// The chart view of the query page: a bar or line chart of one numeric column of the answer, against the
// first text column (or the first that is not numeric, or the row number). Drawn as SVG with d3; every text set as text.
import * as d3 from "./d3.js";
import { curie } from "./site.js";
import { isNumeric } from "./table.js";

/** @typedef {import("./table.js").Binding} Binding */

const WIDTH = 720;
const ROW = 22;
const MOST = 200;

/**
 * The columns a chart can show: numeric ones (every bound value of a numeric type, as the table reads them).
 * @param {string[]} vars
 * @param {Binding[]} bindings
 * @returns {string[]}
 */
export function numericColumns(vars, bindings) {
  return vars.filter((name) => bindings.some((b) => b[name]) && bindings.every((b) => !b[name] || isNumeric(b[name])));
}

/**
 * @param {Binding} binding
 * @param {string | undefined} labelColumn
 * @param {number} index
 * @returns {string}
 */
function labelOf(binding, labelColumn, index) {
  const term = labelColumn ? binding[labelColumn] : undefined;
  if (!term) return String(index + 1);
  return term.type === "uri" ? curie(term.value) : term.value;
}

/**
 * The chart, or null when the answer has no numeric column.
 * @param {string[]} vars
 * @param {Binding[]} bindings
 * @param {{bar: string, line: string, column: string}} words
 * @returns {HTMLElement | null}
 */
export function renderChart(vars, bindings, words) {
  const numeric = numericColumns(vars, bindings);
  if (!numeric.length) return null;
  // Labels from the first text column (a name reads better than an IRI), else the first that is not a number.
  const labelColumn = vars.find((name) => !numeric.includes(name) && bindings.some((b) => b[name]?.type === "literal"))
    || vars.find((name) => !numeric.includes(name));
  const rows = bindings.slice(0, MOST);
  const figure = document.createElement("figure");
  figure.className = "result-chart";
  const controls = document.createElement("div");
  controls.className = "table-controls";
  const column = document.createElement("select");
  column.setAttribute("aria-label", words.column);
  numeric.forEach((name) => column.add(new Option(name, name)));
  const kind = document.createElement("select");
  kind.add(new Option(words.bar, "bar"));
  kind.add(new Option(words.line, "line"));
  controls.append(column, kind);
  const canvas = document.createElement("div");
  figure.append(controls, canvas);

  const draw = () => {
    const name = column.value;
    const values = rows.map((b) => Number(b[name]?.value ?? NaN));
    const labels = rows.map((b, i) => labelOf(b, labelColumn, i));
    const finite = values.filter((v) => Number.isFinite(v));
    const low = Math.min(0, ...finite);
    const high = Math.max(0, ...finite) || 1;
    canvas.replaceChildren();
    if (kind.value === "bar") {
      const left = 180;
      const height = rows.length * ROW + 24;
      const x = d3.scaleLinear().domain([low, high]).range([left, WIDTH - 60]);
      const svg = d3.select(canvas).append("svg").attr("viewBox", `0 0 ${WIDTH} ${height}`)
        .attr("class", "chart bar").attr("role", "img").attr("aria-label", `${name} / ${labelColumn || "#"}`);
      const bar = svg.selectAll("g").data(values).join("g")
        .attr("transform", (_, i) => `translate(0,${i * ROW + 4})`);
      bar.append("text").attr("x", left - 6).attr("y", ROW / 2).attr("dy", "0.35em").attr("text-anchor", "end")
        .text((_, i) => labels[i].length > 28 ? labels[i].slice(0, 27) + "…" : labels[i]);
      bar.append("rect").attr("x", (v) => x(Math.min(0, v || 0))).attr("height", ROW - 6)
        .attr("width", (v) => Math.abs(x(v || 0) - x(0)));
      bar.append("text").attr("class", "value").attr("x", (v) => x(Math.max(0, v || 0)) + 4).attr("y", ROW / 2)
        .attr("dy", "0.35em").text((v) => Number.isFinite(v) ? String(v) : "");
    } else {
      const height = 280;
      const x = d3.scaleLinear().domain([0, Math.max(rows.length - 1, 1)]).range([50, WIDTH - 20]);
      const y = d3.scaleLinear().domain([low, high]).range([height - 30, 10]);
      const svg = d3.select(canvas).append("svg").attr("viewBox", `0 0 ${WIDTH} ${height}`)
        .attr("class", "chart line").attr("role", "img").attr("aria-label", `${name} / ${labelColumn || "#"}`);
      const points = values.map((v, i) => [x(i), y(Number.isFinite(v) ? v : 0)]);
      svg.append("path").attr("d", "M" + points.map((p) => p.join(",")).join("L"));
      svg.selectAll("circle").data(points).join("circle").attr("cx", (p) => p[0]).attr("cy", (p) => p[1])
        .attr("r", 3).append("title").text((_, i) => `${labels[i]}: ${values[i]}`);
      y.ticks(5).forEach((tick) => {
        svg.append("text").attr("class", "axis").attr("x", 44).attr("y", y(tick)).attr("dy", "0.35em")
          .attr("text-anchor", "end").text(String(tick));
      });
    }
  };
  column.addEventListener("change", draw);
  kind.addEventListener("change", draw);
  draw();
  return figure;
}

// The graph view of the query page: the triples of a CONSTRUCT or DESCRIBE answer as nodes and arrows, laid
// out by d3-force (run to rest, then drawn once). Resources are nodes; literals stay in the text view.
import * as d3 from "./d3.js";
import { curie, localHref } from "./site.js";

const WIDTH = 720;
const HEIGHT = 480;
const MOST_NODES = 300;
const TERM = String.raw`(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>]*>)?)`;
const LINE = new RegExp(String.raw`^${TERM}\s+<([^>]*)>\s+${TERM}\s*\.\s*$`);

/**
 * @typedef {{id: string, x?: number, y?: number}} GraphNode
 * @typedef {{source: string | GraphNode, target: string | GraphNode, label: string}} GraphLink
 */

/**
 * The resources and the links between them, from N-Triples (literals left out).
 * @param {string} text
 * @returns {{nodes: GraphNode[], links: GraphLink[]}}
 */
export function parseNTriples(text) {
  /** @type {Map<string, GraphNode>} */
  const nodes = new Map();
  /** @type {GraphLink[]} */
  const links = [];
  for (const line of text.split("\n")) {
    const found = LINE.exec(line.trim());
    if (!found || found[3].startsWith('"')) continue;
    const [subject, predicate, object] = [found[1], found[2], found[3]];
    for (const term of [subject, object]) {
      if (!nodes.has(term) && nodes.size < MOST_NODES) nodes.set(term, { id: term });
    }
    if (nodes.has(subject) && nodes.has(object)) links.push({ source: subject, target: object, label: predicate });
  }
  return { nodes: [...nodes.values()], links };
}

/**
 * @param {string} term  an N-Triples IRI (<...>) or blank node (_:b)
 * @returns {string}
 */
function shortName(term) {
  return term.startsWith("<") ? curie(term.slice(1, -1)) : term;
}

/**
 * The drawing, or null when the triples link no two resources.
 * @param {string} ntriples
 * @returns {SVGSVGElement | null}
 */
export function renderGraph(ntriples) {
  const { nodes, links } = parseNTriples(ntriples);
  if (!links.length) return null;
  const simulation = d3.forceSimulation(nodes)
    .force("link", d3.forceLink(links).id((/** @type {any} */ d) => d.id).distance(70))
    .force("charge", d3.forceManyBody().strength(-160))
    .force("x", d3.forceX(WIDTH / 2))
    .force("y", d3.forceY(HEIGHT / 2))
    .stop();
  for (let i = 0; i < 300; i += 1) simulation.tick();
  const svg = d3.select(document.createElementNS("http://www.w3.org/2000/svg", "svg"))
    .attr("viewBox", `0 0 ${WIDTH} ${HEIGHT}`).attr("class", "chart graph").attr("role", "img");
  const place = (/** @type {string | GraphNode} */ end) => (typeof end === "string" ? { x: 0, y: 0 } : end);
  svg.selectAll("line").data(links).join("line")
    .attr("x1", (d) => place(d.source).x ?? 0).attr("y1", (d) => place(d.source).y ?? 0)
    .attr("x2", (d) => place(d.target).x ?? 0).attr("y2", (d) => place(d.target).y ?? 0)
    .append("title").text((d) => curie(d.label));
  const node = svg.selectAll("g.node").data(nodes).join("g").attr("class", "node")
    .attr("transform", (d) => `translate(${d.x ?? 0},${d.y ?? 0})`);
  node.append("circle").attr("r", 5);
  node.append("text").attr("x", 7).attr("dy", "0.35em").text((d) => shortName(d.id));
  node.append("title").text((d) => (d.id.startsWith("<") ? d.id.slice(1, -1) : d.id));
  node.filter((d) => d.id.startsWith("<") && Boolean(localHref(d.id.slice(1, -1))))
    .attr("class", "node local");
  return /** @type {SVGSVGElement} */ (svg.node());
}

// The few d3 modules the picture pages use, under one name (import * as d3 from "./d3.js"). Only named
// re-exports, so esbuild leaves the rest of d3 out of the bundles.
export { select, selectAll } from "d3-selection";
export { scaleLinear, scaleOrdinal, scaleSequential, scaleSqrt } from "d3-scale";
export { interpolateYlGnBu, schemeTableau10 } from "d3-scale-chromatic";
export { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY } from "d3-force";

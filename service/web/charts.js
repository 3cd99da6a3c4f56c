// The chart library of the picture pages (/network, /matrices): the few d3 modules they use, bundled by
// esbuild into service/ctlkg/web/html/static/vendor/charts.js, which exposes window.CtlkgCharts for static/pictures.js,
// static/network.js and static/matrices.js. Only named imports, so esbuild leaves the rest of d3 out.
import { select, selectAll } from "d3-selection";
import { scaleLinear, scaleOrdinal, scaleSequential, scaleSqrt } from "d3-scale";
import { interpolateYlGnBu, schemeTableau10 } from "d3-scale-chromatic";
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY } from "d3-force";

window.CtlkgCharts = Object.freeze({
  select, selectAll,
  scaleLinear, scaleOrdinal, scaleSequential, scaleSqrt,
  interpolateYlGnBu, schemeTableau10,
  forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY,
});

// Bundle the page scripts for the server: one ES module entry per page (query, network, matrices, docs), the
// code they share split into chunks, every file named by a hash of its content so it can be cached for
// good. The server finds each page's file in manifest.json (ctlkg.web.html.assets reads it). The folder
// is emptied first, so no stale bundle is left to be served.
import { build } from "esbuild";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const outdir = path.resolve(here, "../ctlkg/web/html/static/dist");
const ENTRIES = ["query", "network", "matrices", "docs", "search_box"];

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
  absWorkingDir: here,
  entryPoints: Object.fromEntries(ENTRIES.map((name) => [name, `src/${name}.js`])),
  bundle: true,
  splitting: true,
  format: "esm",
  minify: true,
  target: "es2020",
  entryNames: "[name]-[hash]",
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "external",
  metafile: true,
  outdir,
  logLevel: "warning",
});

// The metafile names outputs relative to absWorkingDir; the manifest names them relative to the folder.
const relative = (/** @type {string} */ file) => path.relative(outdir, path.resolve(here, file));
/** @type {Record<string, {file: string, imports: string[], css?: string}>} */
const entries = {};
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  if (!output.entryPoint) continue;
  entries[path.basename(output.entryPoint, ".js")] = {
    file: relative(file),
    imports: output.imports.filter((i) => i.kind === "import-statement").map((i) => relative(i.path)),
    // The styles an entry imports (the docs page imports Swagger UI's), bundled beside it.
    ...(output.cssBundle ? { css: relative(output.cssBundle) } : {}),
  };
}
const files = Object.keys(result.metafile.outputs).map(relative).sort();
const manifest = { entries, files };
await writeFile(path.join(outdir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
for (const name of ENTRIES) console.log(`  ${name} -> ${entries[name].file}`);

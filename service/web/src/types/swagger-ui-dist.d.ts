// swagger-ui-dist ships no types; the docs page calls its one constructor with an options object.
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  const SwaggerUI: (options: Record<string, unknown>) => unknown;
  export default SwaggerUI;
}

// Its styles, imported for esbuild to bundle beside the page's script.
declare module "swagger-ui-dist/swagger-ui.css";

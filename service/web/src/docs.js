// The API page: Swagger UI, from npm and bundled here (no CDN, no inline script), drawn from /openapi.json.
// "Try it out" sends its requests to this server, as any other client would.
import SwaggerUI from "swagger-ui-dist/swagger-ui-es-bundle.js";
import "swagger-ui-dist/swagger-ui.css";

SwaggerUI({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
});

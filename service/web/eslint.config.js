// eslint (flat config): the recommended rules for the page modules (browser) and the build script (node).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/"] },
  js.configs.recommended,
  {
    files: ["src/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.browser },
    rules: {
      eqeqeq: ["error", "always"],
      "no-implicit-globals": "error",
      "prefer-const": "error",
      "no-var": "error",
      // The pages share nothing through window: what one module needs from another, it imports.
      "no-restricted-syntax": ["error", {
        selector: "AssignmentExpression > MemberExpression.left[object.name='window']",
        message: "no window globals: export and import instead",
      }, {
        selector: "MemberExpression[object.name='window'][property.name=/^Ctlkg/]",
        message: "no window globals: import from the module instead",
      }],
      "no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["build.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: globals.node },
  },
];

// The header's search box, on every page: suggestions while typing (from /api/search), a picked one opens
// its resource's page; Enter without a pick submits the form to the results page (/search), which also
// works without scripts.
import { attachSuggestions } from "./suggest.js";
import { safeHref } from "./site.js";

const input = document.getElementById("site-search-q");
if (input instanceof HTMLInputElement) {
  const lang = input.dataset.lang || "en";
  attachSuggestions(input, {
    label: input.getAttribute("placeholder") || "Search",
    labels: lang,
    onPick: (found) => {
      const page = safeHref(found.page);
      if (page) {
        const [path, fragment] = page.split("#");
        window.location.assign(path + "?lang=" + lang + (fragment ? "#" + fragment : ""));
      } else {
        const elsewhere = safeHref(found.iri);
        if (elsewhere) window.location.assign(elsewhere);
      }
    },
  });
}

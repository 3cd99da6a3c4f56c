"""The project's documents that a reader of the pages needs, as pages (``/about/synergy``): how a synergy
score is computed, where a "derived" value comes from. Rendered from the Markdown in docs/ by markdown-it,
with raw HTML escaped and unsafe link schemes refused (its defaults), in the site's chrome."""

from __future__ import annotations

import functools

from markdown_it import MarkdownIt
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ctlkg.errors import NotFound
from ctlkg.rdf import paths
from ctlkg.web.html import templating

#: The documents served, by the name in their path: the rest of docs/ is for developers.
DOCUMENTS = {"synergy": "synergy.md"}


@functools.lru_cache(maxsize=len(DOCUMENTS))
def html(name: str) -> tuple[str, str]:
    """The title (the first heading) and the body of one document, rendered once per process."""
    text = (paths.ROOT / "docs" / DOCUMENTS[name]).read_text(encoding="utf-8")
    title = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("# ")), name)
    renderer = MarkdownIt("commonmark", {"html": False}).enable("table")
    return title, renderer.render(text)


def render(request: Request, name: str) -> HTMLResponse:
    if name not in DOCUMENTS:
        raise NotFound(f"no document is called {name[:80]!r}; the ones here: {', '.join(sorted(DOCUMENTS))}")
    title, body = html(name)
    lang = templating.choose_lang(request)
    return templating.render(request, "doc.html", {"title": title, "body": body}, lang=lang)

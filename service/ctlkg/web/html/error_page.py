"""Errors as a page for people: a browser that asked for HTML gets the status, the message and the ways on
(home, query, API, ontology) in the site's chrome, instead of a JSON body. ``web.errors`` calls ``render``
for every error it maps when the request prefers HTML; machines keep the JSON."""

from __future__ import annotations

from http import HTTPStatus

from starlette.requests import Request
from starlette.responses import HTMLResponse

from ctlkg.sparql import negotiation
from ctlkg.web.html import templating


def wants_html(request: Request) -> bool:
    """Whether the client ranks HTML above JSON (a browser's navigation does; httpx, curl and fetch with
    their defaults do not): only a GET, since a form post or an API call reads the JSON."""
    if request.method not in ("GET", "HEAD"):
        return False
    offers = ["application/json", negotiation.HTML]
    return negotiation.negotiate(request.headers.get("accept"), offers) == negotiation.HTML


def render(request: Request, status: int, message: str) -> HTMLResponse | None:
    """The page, or None when the client did not ask for HTML."""
    if not wants_html(request):
        return None
    lang = templating.choose_lang(request)
    context = {"status": status, "phrase": HTTPStatus(status).phrase, "message": message}
    return templating.render(request, "error.html", context, lang=lang, status_code=status)

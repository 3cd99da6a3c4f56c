"""HTML rendering for the pages: one Jinja2 environment (autoescape on), the reader's language, security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ctlkg import links, namespaces

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
LANGUAGES = ("en", "it")

#: Sent with every page: scripts and styles only from our own files, so an escaped-but-hostile literal
#: can never run; frame-ancestors and nosniff close the other doors a browser leaves open.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}

#: The few words of the page chrome; the graph's own labels come from the data in both languages.
_UI: dict[str, dict[str, str]] = {
    "home": {"en": "Home", "it": "Home"},
    "query": {"en": "Query", "it": "Interroga"},
    "ontology": {"en": "Ontology", "it": "Ontologia"},
    "properties": {"en": "Properties", "it": "Proprietà"},
    "inbound": {"en": "What links here", "it": "Puntano qui"},
    "source": {"en": "Source", "it": "Fonte"},
    "inferred": {"en": "inferred", "it": "dedotto"},
    "show_inferred": {"en": "Show inferred triples", "it": "Mostra le triple dedotte"},
    "hide_inferred": {"en": "Hide inferred triples", "it": "Nascondi le triple dedotte"},
    "inferred_note": {
        "en": "Values marked “inferred” were derived by OWL RL reasoning; the others are asserted in the data.",
        "it": "I valori segnati “dedotto” sono ricavati dal ragionamento OWL RL; gli altri sono asseriti nei dati.",
    },
    "as_rdf": {"en": "This resource as", "it": "Questa risorsa in"},
    "not_found": {"en": "Not found", "it": "Non trovato"},
    "type": {"en": "Type", "it": "Tipo"},
}


def choose_lang(request: Request) -> str:
    """The reader's language: ``?lang=`` first, then the best of Accept-Language that we have, else English."""
    asked = request.query_params.get("lang", "").lower()
    if asked in LANGUAGES:
        return asked
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return sorted(ranked)[0][2] if ranked else "en"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(href=links.href, curie=links.curie, local=links.to_local, base_iri=namespaces.BASE)
    return env


ENVIRONMENT = _environment()


def render(
    request: Request, template: str, context: dict[str, Any], *, lang: str, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the chrome's words in ``lang`` and the headers every page carries."""

    def ui(key: str) -> str:
        return _UI[key][lang]

    body = ENVIRONMENT.get_template(template).render(
        request_path=request.url.path, lang=lang, other_lang="it" if lang == "en" else "en", ui=ui, **context
    )
    headers = dict(SECURITY_HEADERS)
    headers["Vary"] = "Accept, Accept-Language"
    headers["Content-Language"] = lang
    return HTMLResponse(body, status_code=status_code, headers=headers)

"""The dataset's VoID and DCAT description as a page for people: one table per thing described (the dataset,
its graphs, the SPARQL service, each distribution), with links. ``web.api.void`` calls ``render`` for a
browser; RDF clients get the same triples by content negotiation."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ctlkg.rdf import links, namespaces
from ctlkg.web.html import templating


@dataclass(frozen=True)
class Shown:
    """An object as the template shows it: ``kind`` is "iri", "literal" or "bnode"."""

    kind: str
    value: str
    language: str | None = None


@dataclass
class Described:
    """One subject and its (predicate, object) rows, in the order the description gives them."""

    iri: str
    rows: list[tuple[str, Shown]] = field(default_factory=list)


def _shown(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Shown:
    if isinstance(term, ox.NamedNode):
        return Shown("iri", term.value)
    if isinstance(term, ox.Literal):
        return Shown("literal", term.value, term.language)
    return Shown("bnode", term.value)


def group(triples: list[ox.Triple]) -> list[Described]:
    """The triples by subject, subjects and rows in their first order (the dataset comes first)."""
    found: dict[str, Described] = {}
    for triple in triples:
        if not isinstance(triple.subject, ox.NamedNode | ox.BlankNode):
            continue  # a triple term as subject: not in a VoID description
        subject = triple.subject.value
        entry = found.setdefault(subject, Described(subject))
        if isinstance(triple.object, ox.NamedNode | ox.BlankNode | ox.Literal):
            entry.rows.append((triple.predicate.value, _shown(triple.object)))
    return list(found.values())


def render(request: Request, triples: list[ox.Triple], prefixes: dict[str, str]) -> HTMLResponse:
    lang = templating.choose_lang(request)
    # links.curie knowing the description's own prefixes too (void:, dcat:, dcterms:)
    context = {"described": group(triples),
               "short": functools.partial(links.curie, prefixes={**namespaces.PREFIXES, **prefixes})}
    return templating.render(request, "void.html", context, lang=lang)

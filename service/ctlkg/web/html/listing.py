"""A list page per class of the ontology (``/list/Cluster``): every instance with its label, a page at a
time, so that the home page's counts lead to the things they count."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from ctlkg.errors import NotFound
from ctlkg.rdf import links, namespaces
from ctlkg.sparql.backend import Backend
from ctlkg.web.html.views import Labels

PAGE = 200
#: A class of ours by its local name: letters only, so the name can go into the query text as an IRI.
_LOCAL = re.compile(r"[A-Za-z][A-Za-z0-9]*")

_COUNT = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}"
_PAGE = """SELECT ?s (MIN(?l) AS ?label) WHERE {{
  {{ SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }} ORDER BY ?s LIMIT {limit} OFFSET {offset} }}
  OPTIONAL {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANGMATCHES(LANG(?l), "{lang}")) }}
}} GROUP BY ?s"""
_CLASS_LABEL = """SELECT ?label WHERE {{
  <{cls}> <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANGMATCHES(LANG(?label), "{lang}"))
}}"""


@dataclass(frozen=True)
class Item:
    label: str
    href: str
    curie: str


@dataclass(frozen=True)
class Listing:
    name: str
    label: str
    iri: str
    total: int
    offset: int
    items: list[Item]

    @property
    def next_offset(self) -> int | None:
        return self.offset + PAGE if self.offset + PAGE < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - PAGE, 0) if self.offset > 0 else None


def href(cls: str) -> str | None:
    """The list page of a class of ours, or None for one outside the ontology's namespace."""
    local = cls.removeprefix(str(namespaces.CTL))
    return f"/list/{local}" if local != cls and _LOCAL.fullmatch(local) else None


def build(backend: Backend, name: str, lang: str, offset: int) -> Listing:
    if not _LOCAL.fullmatch(name):
        raise NotFound(f"no class of the ontology is called {name[:80]!r}")
    cls = str(namespaces.CTL) + name
    counted = backend.select(_COUNT.format(cls=cls))
    total = int(counted[0]["n"].value) if counted and isinstance(counted[0].get("n"), ox.Literal) else 0
    if total == 0:
        raise NotFound(f"the graph has no instance of ctl:{name}; the home page lists the classes it has")
    offset = min(max(offset, 0), (total - 1) // PAGE * PAGE)
    labels = Labels()
    rows = backend.select(_PAGE.format(cls=cls, limit=PAGE, offset=offset, lang=lang))
    for row in rows:
        subject, shown = row.get("s"), row.get("label")
        if isinstance(subject, ox.NamedNode) and isinstance(shown, ox.Literal):
            labels.add(subject.value, shown)
    iris = [subject.value for row in rows if isinstance(subject := row.get("s"), ox.NamedNode)]
    items = sorted((Item(labels.best(iri, lang), links.href(iri) or "", links.curie(iri)) for iri in iris),
                   key=lambda item: item.label.casefold())
    found = backend.select(_CLASS_LABEL.format(cls=cls, lang=lang))
    return Listing(name, found[0]["label"].value if found else name, cls, total, offset, items)

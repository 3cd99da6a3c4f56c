"""Full-text search over the graph: what is indexed (``search_index`` holds the how), the index kept in
step with the data, and the SPARQL function ``search:score`` that brings it into queries, as Fuseki's
``text:query`` does.

The texts come from the store by two SELECTs, so the same code indexes the embedded store, a remote
engine, or a query worker's own copy of a version. The service rebuilds its index when the data version
moves (every accepted write bumps it), on the first search after the write.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

import cachetools
import pyoxigraph as ox

from ctlkg.errors import QueryRefused, shown
from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import Backend, Row
from ctlkg.sparql.data_version import DataVersion
from ctlkg.sparql.search_index import Hit, SearchIndex, Text

log = logging.getLogger(__name__)

#: The namespace of the search functions: ``PREFIX search: <…/search#>``, then ``search:score(?s, "words")``.
SEARCH = namespaces.BASE + "search#"
SCORE = ox.NamedNode(SEARCH + "score")

_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
_SCHEMA = str(namespaces.SCHEMA)
#: Property -> (field, rank): the rank orders labels of one language for display, lowest first.
PROPERTIES: dict[str, tuple[str, int]] = {
    _RDFS + "label": ("label", 0),
    _SKOS + "prefLabel": ("label", 1),
    _SCHEMA + "name": ("label", 2),
    _DCT + "title": ("label", 3),
    _SKOS + "altLabel": ("alt", 0),
    _SCHEMA + "alternateName": ("alt", 0),
    _DCT + "description": ("description", 0),
    _RDFS + "comment": ("description", 0),
    _SKOS + "definition": ("description", 0),
    _SCHEMA + "description": ("description", 0),
}
TEXTS_QUERY = ("SELECT ?s ?p ?text WHERE { VALUES ?p { " + " ".join(f"<{p}>" for p in PROPERTIES)
               + " } ?s ?p ?text FILTER(isIRI(?s) && isLITERAL(?text)) }")
TYPES_QUERY = "SELECT ?s ?t WHERE { ?s a ?t FILTER(isIRI(?s) && isIRI(?t)) }"

Select = Callable[[str, bool], Iterable[Row]]
_DOUBLE = ox.NamedNode(str(namespaces.XSD.double))
#: What a custom function gives back, as ``Store.query(custom_functions=...)`` types it.
Function = Callable[..., ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]
_LOCAL = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_CURIE = re.compile(r"([A-Za-z][\w\-]*):([\w\-.]*)")


def class_iri(given: str) -> str:
    """The class the ``type`` parameter names, as an IRI; a 400 when it names none."""
    if _LOCAL.fullmatch(given):
        return str(namespaces.CTL) + given
    if re.match(r"https?://\S+$", given):
        return given
    curie = _CURIE.fullmatch(given)
    if curie and curie.group(1) in namespaces.PREFIXES:
        return namespaces.PREFIXES[curie.group(1)] + curie.group(2)
    raise QueryRefused(f"type {shown(given)} is not a class name (Cluster), a prefixed name with a known "
                       "prefix (skos:Concept) or an absolute http(s) IRI")


def texts(rows: Iterable[Row]) -> list[Text]:
    found = []
    for row in rows:
        subject, prop, value = row.get("s"), row.get("p"), row.get("text")
        if (isinstance(subject, ox.NamedNode) and isinstance(prop, ox.NamedNode)
                and isinstance(value, ox.Literal)):
            field, rank = PROPERTIES[prop.value]
            found.append(Text(subject.value, field, value.value, value.language or "", rank))
    return found


def _types(rows: Iterable[Row], keep: set[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in rows:
        subject, kind = row.get("s"), row.get("t")
        if isinstance(subject, ox.NamedNode) and isinstance(kind, ox.NamedNode) and subject.value in keep:
            found.setdefault(subject.value, []).append(kind.value)
    return found


def shown_type(kinds: list[str]) -> str:
    """The type a result names: one of our classes when it has one, else the first by IRI."""
    ours = sorted(k for k in kinds if k.startswith(str(namespaces.CTL)))
    return ours[0] if ours else sorted(kinds)[0]


def build_index(select: Select) -> SearchIndex:
    """Index what ``select(query, inferred)`` answers: the texts, every type (inferred ones included, for the
    filter) and the asserted types (the one a result names)."""
    started = time.monotonic()
    found = texts(select(TEXTS_QUERY, True))
    subjects = {text.iri for text in found}
    every = _types(select(TYPES_QUERY, True), subjects)
    asserted = _types(select(TYPES_QUERY, False), subjects)
    named = {iri: shown_type(kinds) for iri, kinds in (asserted or every).items()}
    index = SearchIndex.build(found, every, named)
    log.info("search index: %d resources, %d texts in %.2f s", len(subjects), len(found),
             time.monotonic() - started)
    return index


class Search:
    """The service's index, rebuilt from the backend when the data version has moved since it was made."""

    def __init__(self, backend: Backend, version: DataVersion) -> None:
        self._backend = backend
        self._version = version
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._held = -1

    def index(self) -> SearchIndex:
        with self._lock:
            seen = self._version.value
            if self._index is None or self._held != seen:
                old, self._index = self._index, build_index(
                    lambda query, inferred: self._backend.select(query, inferred=inferred))
                self._held = seen
                if old is not None:
                    old.close()
            return self._index

    def search(self, text: str, *, lang: str | None = None, types: tuple[str, ...] = (),
               limit: int = 10) -> list[Hit]:
        return self.index().search(text, lang=lang, types=types, limit=limit)


def store_select(store: ox.Store, default_graph: Callable[[bool], Any]) -> Select:
    """A Select over a pyoxigraph store; ``default_graph(inferred)`` says which graphs make the default."""

    def select(query: str, inferred: bool) -> Iterable[Row]:
        result = store.query(query, default_graph=default_graph(inferred))
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        return ({n: t for n in names if (t := s[n]) is not None} for s in result)

    return select


class ScoreFunction:
    """``search:score(?resource, "words" [, "lang"])``: the resource's score for the words (as /api/search
    gives it, 1 to 2 for a label match, 0 to 1 for a description match), or unbound when it does not match.

    The index is built on first use from ``select`` and the scores of the last few searches are kept, so a
    query that calls the function once per candidate row runs one search."""

    def __init__(self, select: Select) -> None:
        self._select = select
        self._index: SearchIndex | None = None
        self._scores: cachetools.LRUCache[tuple[str, str], dict[str, float]] = cachetools.LRUCache(32)

    def __call__(self, *args: Any) -> ox.Literal | None:
        if len(args) not in (2, 3) or not all(isinstance(a, ox.Literal) for a in args[1:]):
            return None  # an error in SPARQL's sense: the BIND leaves the variable unbound
        resource = args[0]
        if not isinstance(resource, ox.NamedNode):
            return None
        words, lang = args[1].value, (args[2].value.lower() if len(args) == 3 else "")
        scores = self._scores.get((words, lang))
        if scores is None:
            if self._index is None:
                self._index = build_index(self._select)
            try:
                hits = self._index.search(words, lang=lang or None, limit=100_000)
            except QueryRefused:  # no word in the text
                hits = []
            scores = {hit.iri: hit.score for hit in hits}
            self._scores[(words, lang)] = scores
        score = scores.get(resource.value)
        return None if score is None else ox.Literal(repr(score), datatype=_DOUBLE)


def functions(score: ScoreFunction) -> dict[ox.NamedNode, Function]:
    """The custom functions a query may call, for ``Store.query(custom_functions=...)``."""
    return {SCORE: score}

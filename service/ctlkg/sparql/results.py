"""Writing a structured query result in the negotiated media type, the same for every backend.

SPARQL JSON is written here; XML, CSV and TSV go through pyoxigraph's own writers by way of that
JSON, so every format follows its W3C spec without a second hand-written serializer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import Boolean, Result, Solutions, Term, Triples
from ctlkg.sparql.negotiation import JSON, Kind

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_RESULT_FORMATS = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
#: Formats where declared prefixes make the output readable; the others ignore or cannot use them.
_PREFIXED = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML}


def term_json(term: Term | ox.Triple) -> dict[str, Any]:
    """One RDF term as a SPARQL 1.1 JSON results binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": term_json(term.subject),
            "predicate": term_json(term.predicate),
            "object": term_json(term.object),
        },
    }


def to_json(result: Solutions | Boolean) -> bytes:
    if isinstance(result, Boolean):
        document: dict[str, Any] = {"head": {}, "boolean": result.value}
    else:
        bindings = [{name: term_json(term) for name, term in row.items()} for row in result.rows]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def triples_to(
    triples: list[ox.Triple], media_type: str, *, prefixes: Mapping[str, str] = namespaces.PREFIXES
) -> bytes:
    """Triples in an RDF syntax; dataset syntaxes (TriG, N-Quads) put them in the default graph."""
    rdf_format = ox.RdfFormat.from_media_type(media_type)
    if rdf_format is None:
        raise ValueError(f"not an RDF media type: {media_type}")
    declared = dict(prefixes) if rdf_format in _PREFIXED else None
    return ox.serialize(triples, format=rdf_format, prefixes=declared) or b""


def serialize(result: Result, media_type: str) -> bytes:
    """The result in ``media_type``, which negotiation has already matched to the kind of result."""
    if isinstance(result, Triples):
        return triples_to(result.triples, media_type)
    payload = to_json(result)
    if media_type == JSON:
        return payload
    parsed = ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=_RESULT_FORMATS[media_type]) or b""


def kind_of(result: Result) -> Kind:
    if isinstance(result, Solutions):
        return "solutions"
    return "boolean" if isinstance(result, Boolean) else "triples"

"""Content negotiation in one pure function, plus the media types each kind of answer can take.

Offers are listed in the server's order of preference; the first is what a client that accepts
anything (or sends no Accept) gets.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Literal, TypeAlias

Kind: TypeAlias = Literal["solutions", "boolean", "triples"]

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
NQUADS = "application/n-quads"
TRIG = "application/trig"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
HTML = "text/html"

#: Media types a client may ask for -> the type we send (aliases collapse onto the registered one).
ALIASES: dict[str, str] = {
    "application/json": JSON,
    "application/xml": XML,
    "text/xml": XML,
    "application/x-turtle": TURTLE,
    "text/n3": TURTLE,  # Turtle is N3
    "text/plain": NTRIPLES,  # the historical N-Triples type
    "application/x-trig": TRIG,
    "text/x-nquads": NQUADS,
    "application/json-ld": JSONLD,
}

RDF_TYPES = (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS)
OFFERS: dict[Kind, tuple[str, ...]] = {
    "solutions": (JSON, XML, CSV, TSV, "application/json", "application/xml", "text/xml"),
    "boolean": (JSON, XML, CSV, TSV, "application/json", "application/xml", "text/xml"),
    "triples": (*RDF_TYPES, "application/x-turtle", "text/n3", "text/plain", "application/json"),
}

#: Values of the `format` parameter (for browsers, which cannot set Accept) per kind of answer.
FORMAT_NAMES: dict[str, dict[Kind, str]] = {
    "json": {"solutions": JSON, "boolean": JSON, "triples": JSONLD},
    "xml": {"solutions": XML, "boolean": XML, "triples": RDFXML},
    "csv": {"solutions": CSV, "boolean": CSV},
    "tsv": {"solutions": TSV, "boolean": TSV},
    "turtle": {"triples": TURTLE},
    "ttl": {"triples": TURTLE},
    "ntriples": {"triples": NTRIPLES},
    "nt": {"triples": NTRIPLES},
    "nquads": {"triples": NQUADS},
    "nq": {"triples": NQUADS},
    "trig": {"triples": TRIG},
    "jsonld": {"triples": JSONLD},
    "json-ld": {"triples": JSONLD},
    "rdfxml": {"triples": RDFXML},
    "rdf+xml": {"triples": RDFXML},
    "rdf": {"triples": RDFXML},
}


def _ranges(accept: str) -> list[tuple[str, str, float, int]]:
    """Parse an Accept header into (type, subtype, q, position); malformed parts are skipped."""
    parsed = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, _, sub = fields[0].lower().partition("/")
        if not media or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        parsed.append((media, sub, q, position))
    return parsed


def negotiate(accept: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers: highest q, then most specific match, then the client's order,
    then ours. None when nothing offered is acceptable (the caller answers 406).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", [JSON, XML, CSV])
    'application/sparql-results+xml'
    """
    if accept is None or not accept.strip():
        return offers[0] if offers else None
    ranges = _ranges(accept)
    if not ranges:
        return offers[0] if offers else None
    best: tuple[float, int, int, int] | None = None
    chosen = None
    for order, offer in enumerate(offers):
        media, _, sub = offer.partition("/")
        match: tuple[int, float, int] | None = None  # specificity, q, position of the range that applies
        for r_media, r_sub, q, position in ranges:
            if (r_media, r_sub) == (media, sub):
                specificity = 2
            elif r_media == media and r_sub == "*":
                specificity = 1
            elif (r_media, r_sub) == ("*", "*"):
                specificity = 0
            else:
                continue
            if match is None or specificity > match[0]:
                match = (specificity, q, position)
        if match is None or match[1] <= 0:
            continue
        score = (match[1], match[0], -match[2], -order)
        if best is None or score > best:
            best, chosen = score, offer
    return chosen


_remembered = functools.lru_cache(maxsize=256)(negotiate)
_WITH_HTML: dict[Kind, tuple[str, ...]] = {kind: (*offers, HTML) for kind, offers in OFFERS.items()}


def canonical(media_type: str, kind: Kind = "solutions") -> str:
    """The type we send for an accepted one: application/json means SPARQL JSON results for a table,
    JSON-LD for a graph; the other aliases mean one thing each.
    """
    if kind == "triples" and media_type == "application/json":
        return JSONLD
    return ALIASES.get(media_type, media_type)


def _named(name: str, kind: Kind) -> str | None:
    name = name.strip().lower()
    if "/" in name:
        return canonical(name, kind) if name in OFFERS[kind] else None
    return FORMAT_NAMES.get(name, {}).get(kind)


def choose(
    kind: Kind, *, accept: str | None, format_name: str | Sequence[str] | None, html: bool = False
) -> str | None:
    """Pick the response type for one kind of answer: `format` wins over Accept; HTML only if offered.

    Several `format` values are allowed (SPARQLWrapper sends a name and a media type) and the first
    that fits this kind of answer is used; when none fits, nothing is acceptable.
    """
    names = [format_name] if isinstance(format_name, str) else list(format_name or [])
    names = [name for name in names if name.strip()]
    if names:
        return next((media for name in names if (media := _named(name, kind)) is not None), None)
    offers = _WITH_HTML[kind] if html else OFFERS[kind]
    # Clients send the same few Accept headers: those are negotiated once (a long one, every time).
    picked = (_remembered if accept is None or len(accept) <= 256 else negotiate)(accept, offers)
    return None if picked is None else canonical(picked, kind)

"""Turtle written by hand for the synthetic data: fixed prefixes, fixed order, so a seed gives the same bytes.

rdflib's serializer is left out on purpose: it orders blocks through hashing and is ~50x slower than string
formatting, and the generator writes millions of triples. Every literal goes through ``text`` (escaping), and
every block counts its triples so the generator can report them without parsing its own output.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ctlkg.rdf import namespaces

#: The prefix block of docs/prefixes.ttl, written at the top of every generated file.
HEADER = "".join(
    # The repository's own base, like data/: the loader maps it to CTLKG_BASE_IRI (ctlkg.rdf.sources).
    f"@prefix {prefix + ':':<14}<{iri.replace(namespaces.BASE, namespaces.DEFAULT_BASE, 1)}> .\n"
    for prefix, iri in {
        "ctl": str(namespaces.CTL),
        **{kind: namespaces.PREFIXES[kind] for kind in namespaces.INSTANCE_KINDS},
        "section": namespaces.PREFIXES["section"],
        "rdfs": str(namespaces.RDFS),
        "xsd": str(namespaces.XSD),
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dcterms": "http://purl.org/dc/terms/",
        "org": "http://www.w3.org/ns/org#",
        "schema": "https://schema.org/",
    }.items()
)

#: A predicate with its objects, each already written as Turtle (a prefixed name, an <IRI>, a literal).
Pair = tuple[str, Sequence[str]]


def text(value: str, lang: str | None = None) -> str:
    """A string literal, escaped; with a language tag when ``lang`` is given."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def labels(italian: str, english: str) -> Sequence[str]:
    return (text(italian, "it"), text(english, "en"))


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^xsd:{datatype}'


class Writer:
    """Collects Turtle blocks for one file and counts the triples they hold."""

    def __init__(self, comment: str) -> None:
        self.parts: list[str] = [f"# {comment}\n", HEADER]
        self.triples = 0

    def banner(self, title: str) -> None:
        self.parts.append(f"\n{'#' * 80}\n# {title}\n{'#' * 80}\n")

    def block(self, subject: str, kind: str, pairs: Iterable[Pair]) -> None:
        """``subject a kind ; p o1 , o2 ; ...`` with empty object lists skipped."""
        lines = [f"\n{subject} a {kind}"]
        self.triples += 1
        for predicate, objects in pairs:
            if not objects:
                continue
            lines.append(f"    {predicate} {' , '.join(objects)}")
            self.triples += len(objects)
        self.parts.append(" ;\n".join(lines) + " .\n")

    def statement(self, subject: str, predicate: str, obj: str) -> None:
        self.parts.append(f"{subject} {predicate} {obj} .\n")
        self.triples += 1

    def address(self, street: str, postcode: str, city: str) -> str:
        """A blank-node postal address (five triples, counted here) to use as an object."""
        self.triples += 5
        return (
            f"[ a schema:PostalAddress ; schema:streetAddress {text(street)} ;"
            f" schema:postalCode {text(postcode)} ;"
            f' schema:addressLocality {text(city)} ; schema:addressCountry "IT" ]'
        )

    def getvalue(self) -> str:
        return "".join(self.parts)

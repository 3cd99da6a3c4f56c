"""RDF terms as pages show them: a label in the reader's language, a link (local for our IRIs), a marker."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyoxigraph as ox

from ctlkg.rdf import links, namespaces
from ctlkg.web.html import words

XSD = str(namespaces.XSD)
RDF = str(namespaces.RDF)
#: Datatypes not worth a badge: a plain string says nothing the text does not.
_PLAIN = {XSD + "string", RDF + "langString"}
#: Properties shown first, in this order; the rest follow by label.
_FIRST = (
    RDF + "type",
    str(namespaces.RDFS.label),
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "http://purl.org/dc/terms/description",
    str(namespaces.RDFS.comment),
)


class Labels:
    """Labels per IRI and language, and the rule that picks one: reader's, English, Italian, any, curie."""

    def __init__(self) -> None:
        self._by_iri: dict[str, dict[str, str]] = {}
        self._rank: dict[tuple[str, str], tuple[int, int, str]] = {}

    def add(self, iri: str, label: ox.Literal, rank: int = 0) -> None:
        """Keep, per language, the label of the lowest ``rank`` (0 for rdfs:label, 1 for skos:prefLabel:
        a PNRR component shows as "M2C2 — title", not as its bare title), then the shortest, so that a page
        never flips between two labels the store returns in any order."""
        per_lang = self._by_iri.setdefault(iri, {})
        lang = label.language or ""
        key = (rank, len(label.value), label.value)
        if (iri, lang) not in self._rank or key < self._rank[(iri, lang)]:
            self._rank[(iri, lang)] = key
            per_lang[lang] = label.value

    def best(self, iri: str, lang: str) -> str:
        per_lang = self._by_iri.get(iri, {})
        for choice in (lang, "en", "it", ""):
            if choice in per_lang:
                return per_lang[choice]
        if per_lang:
            return sorted(per_lang.values())[0]
        return words.term(iri, lang) or links.curie(iri)

    def all(self, iri: str) -> dict[str, str]:
        return dict(self._by_iri.get(iri, {}))


@dataclass(frozen=True)
class Value:
    """One object (or subject, for inbound links) of a property, ready for a template."""

    kind: str  # "iri", "literal" or "bnode"
    text: str
    iri: str | None = None
    href: str | None = None
    local: bool = False
    lang: str | None = None
    datatype: str | None = None
    inferred: bool = False
    nested: tuple[PropertyRow, ...] = ()
    #: From the synergies graph: scored by ctlkg.synergy (docs/synergy.md), not entailed by OWL RL.
    derived: bool = False


@dataclass(frozen=True)
class PropertyRow:
    """A predicate with its values; ``curie`` is shown beside the label so readers learn the vocabulary."""

    iri: str
    label: str
    curie: str
    href: str | None
    values: tuple[Value, ...]
    #: The aligned properties (org:hasMember, schema:member) whose inferred rows said the same: a hint.
    aligned: tuple[str, ...] = ()


def fold_aligned(rows: list[PropertyRow]) -> list[PropertyRow]:
    """One row where alignment repeats one: a row whose values are all inferred and equal to those of a row
    with asserted values (``ctl:hasMember`` entails ``org:hasMember`` and ``schema:member`` with the same
    members) is left out, and its name shown as a hint on the asserted row. An asserted value is never hidden.
    """

    def key(row: PropertyRow) -> frozenset[tuple[str, str]]:
        return frozenset((v.kind, v.iri or v.text) for v in row.values)

    keepers = {key(row): row for row in rows if any(not v.inferred for v in row.values)}
    hints: dict[str, list[str]] = {}
    kept = []
    for row in rows:
        keeper = keepers.get(key(row))
        if keeper is not None and keeper is not row and all(v.inferred for v in row.values):
            hints.setdefault(keeper.iri, []).append(row.curie)
            continue
        kept.append(row)
    return [replace(row, aligned=tuple(hints[row.iri])) if row.iri in hints else row for row in kept]


def make_value(
    term: object, names: Labels, lang: str, *, inferred: bool = False, nested: tuple[PropertyRow, ...] = ()
) -> Value:
    if isinstance(term, ox.NamedNode):
        local = links.to_local(term.value)
        return Value(
            "iri",
            names.best(term.value, lang),
            iri=term.value,
            href=links.href(term.value),
            local=local is not None,
            inferred=inferred,
        )
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        return Value(
            "literal",
            term.value,
            lang=term.language,
            datatype=None if datatype in _PLAIN else links.curie(datatype),
            inferred=inferred,
        )
    return Value("bnode", "", inferred=inferred, nested=nested)


def _value_key(value: Value, lang: str) -> tuple[int, str, str]:
    # The reader's language first, then the other; IRIs and numbers by their text.
    return (0 if value.lang in (None, lang) else 1, value.lang or "", value.text.casefold())


def ordered_rows(grouped: dict[str, list[Value]], names: Labels, lang: str) -> list[PropertyRow]:
    """Rows in a reading order: type, labels and descriptions first, then the rest by label."""

    def key(iri: str) -> tuple[int, str]:
        rank = _FIRST.index(iri) if iri in _FIRST else len(_FIRST)
        return (rank, names.best(iri, lang).casefold())

    rows = []
    for iri in sorted(grouped, key=key):
        values = tuple(sorted(set(grouped[iri]), key=lambda v: _value_key(v, lang)))
        rows.append(PropertyRow(iri, names.best(iri, lang), links.curie(iri), links.href(iri), values))
    return rows

"""SHACL shapes compiled to SPARQL: one SELECT per constraint, listing the (focus node, value) that break it.

Only the SHACL Core components our shapes use, plus SPARQL-based constraints, are compiled; anything else
(a component, a SHACL-AF rule or target, a nested shape feature) raises ``UnsupportedShape``. That is the
guard pyrudof lacks: it skips SPARQL-based constraints and reports conformance; this compiler refuses instead.
The semantics follow the SHACL spec as pyshacl implements it (tests/shacl/test_fastbuild_equivalence.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from ctlkg.errors import CtlkgError

#: Components handled per value node, per focus node, or as a whole shape; sh:property recurses.
_KNOWN = {
    SH["class"],
    SH.nodeKind,
    SH.datatype,
    SH.pattern,
    SH.flags,
    SH.languageIn,
    SH.uniqueLang,
    SH.minCount,
    SH.maxCount,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH["or"],
    SH["not"],
    SH.hasValue,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.closed,
    SH.ignoredProperties,
    SH.sparql,
    SH.property,
    SH.path,
    SH.targetClass,
    SH.targetNode,
    SH.targetObjectsOf,
    SH.targetSubjectsOf,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    RDF.type,
    SH.order,
    SH.group,
    SH.deactivated,
}
#: Lexical forms, since Oxigraph keeps ill-typed literals that pyshacl reports as not of their datatype.
_LEXICAL = {
    XSD.nonNegativeInteger: r"^\+?[0-9]+$",
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.gYear: r"^-?[0-9]{4,}$",
    XSD.date: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.boolean: r"^(true|false|1|0)$",
}
#: Oxigraph stores a valid literal of these types as xsd:integer: DATATYPE() cannot tell them apart, so
#: ``fastcheck`` checks them against the literals as parsed (``Literals``), before the store saw them.
INTEGERS = frozenset(
    XSD[t]
    for t in (
        "integer",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


class UnsupportedShape(CtlkgError):
    """A shape uses something the SPARQL compiler does not implement; validate with pyshacl instead."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: a SELECT with ?this (and ?value where there is one) per violation."""

    shape: Node
    component: str
    query: str
    path: str | None


def term(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return node.n3()
    raise UnsupportedShape(f"a blank node where a constant is expected: {node}")


def sparql_path(shapes: Graph, path: Node) -> str:
    """A SHACL property path as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if (inverse := shapes.value(path, SH.inversePath)) is not None:
        return f"^{sparql_path(shapes, inverse)}"
    if (alternatives := shapes.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(sparql_path(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    for key, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if (inner := shapes.value(path, key)) is not None:
            return f"({sparql_path(shapes, inner)}){suffix}"
    if shapes.value(path, RDF.first) is not None:
        return "(" + "/".join(sparql_path(shapes, p) for p in Collection(shapes, path)) + ")"
    raise UnsupportedShape(f"unsupported property path {path}")


def conforms(shapes: Graph, shape: Node, v: str) -> str:
    """A SPARQL expression true when the node ``v`` conforms to the nested ``shape`` (no paths inside)."""
    parts = [node_test(shapes, p, o, v) for p, o in sorted(shapes.predicate_objects(shape)) if p != RDF.type]
    return "(" + " && ".join(parts or ["true"]) + ")"


def node_test(shapes: Graph, p: Node, o: Node, v: str) -> str:
    """The expression true when ``v`` meets one value-type component (sh:class, sh:datatype...)."""
    if p == SH["class"]:
        return f"EXISTS {{ {v} a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {term(o)} }}"
    if p == SH.datatype:
        lexical = _LEXICAL.get(o)  # type: ignore[call-overload]
        check = f" && REGEX(STR({v}), {Literal(lexical).n3()})" if lexical else ""
        stored = (
            f"(DATATYPE({v}) = {term(o)} || DATATYPE({v}) = <{XSD.integer}>)"
            if o in INTEGERS
            else (f"DATATYPE({v}) = {term(o)}")
        )
        return f"(isLiteral({v}) && {stored}{check})"
    if p == SH.nodeKind:
        return _KINDS[o].format(v=v)  # type: ignore[index]
    if p == SH["or"]:
        return "(" + " || ".join(conforms(shapes, s, v) for s in Collection(shapes, o)) + ")"
    if p == SH["not"]:
        return f"!{conforms(shapes, o, v)}"
    raise UnsupportedShape(f"{p} inside a nested shape")


def value_tests(shapes: Graph, shape: Node) -> Iterator[tuple[str, str]]:
    """(component, FILTER expression true for a bad ?value) for the components checked value by value."""
    for p, o in sorted(shapes.predicate_objects(shape)):
        if p not in _KNOWN:
            raise UnsupportedShape(f"{shape} uses {p}, which the SPARQL compiler does not implement")
        if p in (SH["class"], SH.datatype, SH.nodeKind, SH["or"], SH["not"]):
            yield _component(p), f"!{node_test(shapes, p, o, '?value')}"
        elif p == SH.pattern:
            flags = shapes.value(shape, SH.flags)
            extra = f", {Literal(str(flags)).n3()}" if flags else ""
            yield "Pattern", f"(isBlank(?value) || !REGEX(STR(?value), {Literal(str(o)).n3()}{extra}))"
        elif p == SH.languageIn:
            tags = " || ".join(f'LANGMATCHES(LANG(?value), "{t}")' for t in Collection(shapes, o))
            yield "LanguageIn", f"(!isLiteral(?value) || !({tags}))"
        elif p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            ops: dict[Node, str] = {
                SH.minInclusive: ">=",
                SH.maxInclusive: "<=",
                SH.minExclusive: ">",
                SH.maxExclusive: "<",
            }
            op = ops[p]
            yield _component(p), f"!COALESCE(?value {op} {term(o)}, false)"


def _component(p: Node) -> str:
    name = str(p).rsplit("#", 1)[-1]
    return name[0].upper() + name[1:]


def sparql_constraint(shapes: Graph, constraint: Node, focus: str) -> str:
    """An sh:select with its prefixes, $this restricted to the focus nodes in every WHERE group.

    SHACL pre-binds $this; SPARQL evaluates sub-selects bottom-up, so a sub-select that projects $this would
    first range over every node of the graph (all statistics, in the regional sum rule). Putting the focus
    pattern at the top of each group gives each group the same candidates pre-binding would allow.
    """
    select = shapes.value(constraint, SH.select)
    if select is None or shapes.value(constraint, SH.ask) is not None:
        raise UnsupportedShape(f"{constraint}: only sh:select SPARQL constraints are compiled")
    prologue = []
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prologue.append(
                f"PREFIX {shapes.value(declaration, SH.prefix)}: <{shapes.value(declaration, SH.namespace)}>"
            )
    text = str(select).replace("$this", "?this")
    # A group that is only a sub-select is left alone: the sub-select's own WHERE gets the pattern.
    text = re.sub(
        r"\bWHERE\s*\{(?!\s*SELECT\b)", lambda m: m.group(0) + f" {focus} ", text, flags=re.IGNORECASE
    )
    return "\n".join(prologue) + "\n" + text

"""SHACL validation at scale: our shapes compiled to SPARQL and run on Oxigraph, same verdicts as pyshacl.

pyshacl takes about a minute at 1,000 clusters and pyrudof 4.6 GB (shared/MEASUREMENTS.md); the compiled
queries take seconds. The data graph is the union of the ontology and data graphs, with no inference, as in
``shacl.reference.validate``. The result is a ``shacl.reference.ValidationReport`` (without a report
graph), so the CLI prints it the same way; tests/shacl/test_fastbuild_equivalence.py holds the (focus node,
source shape) pairs equal to pyshacl's on the real data and on broken synthetic graphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ctlkg.rdf import namespaces
from ctlkg.shacl.compiler import (
    INTEGERS,
    Check,
    UnsupportedShape,
    conforms,
    sparql_constraint,
    sparql_path,
    term,
    value_tests,
)
from ctlkg.shacl.reference import Finding, Severity, ValidationReport

__all__ = ["Literals", "UnsupportedShape", "check", "compile_shapes", "integer_literals"]
#: Integer-family literals as parsed, by (subject, predicate): what Oxigraph's xsd:integer hides.
Literals = dict[tuple[str, str], list[ox.Literal]]
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph
_SEVERITIES: dict[Node, Severity] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
_SUBCLASSES = "SELECT DISTINCT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <%s> }"


def _focus(store: ox.Store, shapes: Graph, shape: Node, graphs: list[GraphName]) -> list[str]:
    """The shape's own targets as SPARQL groups binding ?this; a class target covers its subclasses."""
    groups = []
    for cls in shapes.objects(shape, SH.targetClass):
        rows = store.query(_SUBCLASSES % cls, default_graph=graphs)
        assert isinstance(rows, ox.QuerySolutions)
        classes = " ".join(str(row["c"]) for row in rows)
        groups.append(f"{{ VALUES ?_class {{ {classes} }} ?this a ?_class }}")
    groups += [f"{{ VALUES ?this {{ {term(n)} }} }}" for n in shapes.objects(shape, SH.targetNode)]
    groups += [f"{{ ?_s {term(p)} ?this }}" for p in shapes.objects(shape, SH.targetObjectsOf)]
    groups += [f"{{ ?this {term(p)} ?_o }}" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    return groups


def _shapes_with_focus(store: ox.Store, shapes: Graph, graphs: list[GraphName]) -> Iterator[tuple[Node, str]]:
    """Every active shape with the SPARQL group of its focus nodes: its own targets, or its parents'."""
    if any(shapes.triples((None, SH.rule, None))) or any(shapes.triples((None, SH.target, None))):
        raise UnsupportedShape("SHACL-AF rules and custom targets are not compiled")
    own = {s: _focus(store, shapes, s, graphs) for t in _TARGETS for s in shapes.subjects(t, None)}
    parents: dict[Node, list[str]] = {}
    for parent, child in shapes.subject_objects(SH.property):
        parents.setdefault(child, []).extend(own.get(parent, []))
    for shape in sorted({*own, *parents}, key=str):
        if shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        groups = sorted(set(own.get(shape, []) + parents.get(shape, [])))
        if groups:
            yield shape, "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(groups) + " } }"


def compile_shapes(store: ox.Store, shapes: Graph, graphs: list[str]) -> list[Check]:
    """The checks for every shape, or UnsupportedShape when one uses what is not compiled."""
    named: list[GraphName] = [ox.NamedNode(g) for g in graphs]
    checks = []
    for shape, focus in _shapes_with_focus(store, shapes, named):
        path_node = shapes.value(shape, SH.path)
        path = sparql_path(shapes, path_node) if path_node is not None else None
        values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
        shown = str(path_node) if isinstance(path_node, URIRef) else path

        def add(component: str, query: str, shape: Node = shape, shown: str | None = shown) -> None:
            checks.append(Check(shape, component, query, shown))

        for component, bad in value_tests(shapes, shape):
            add(component, f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} FILTER({bad}) }}")
        for datatype in shapes.objects(shape, SH.datatype):
            if datatype in INTEGERS:
                if not isinstance(path_node, URIRef):
                    raise UnsupportedShape(f"{shape}: an integer datatype on a complex path is not compiled")
                add(f"Datatype {datatype}", f"SELECT DISTINCT ?this WHERE {{ {focus} }}")
        for key, op, component in ((SH.minCount, "<", "MinCount"), (SH.maxCount, ">", "MaxCount")):
            for n in shapes.objects(shape, key):
                inner = f"OPTIONAL {{ {values} }}" if op == "<" else values
                add(
                    component,
                    f"SELECT ?this WHERE {{ {focus} {inner} }} GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?value) {op} {int(str(n))})",
                )
        if shapes.value(shape, SH.uniqueLang) == Literal(True):
            add(
                "UniqueLang",
                f"SELECT DISTINCT ?this WHERE {{ {focus} ?this {path} ?value , ?other . FILTER("
                'isLiteral(?value) && ?value != ?other && LANG(?value) != "" '
                "&& LCASE(LANG(?value)) = LCASE(LANG(?other))) }",
            )
        for v in shapes.objects(shape, SH.hasValue):
            missing = (
                f"FILTER NOT EXISTS {{ ?this {path} {term(v)} }}" if path else f"FILTER(?this != {term(v)})"
            )
            add("HasValue", f"SELECT DISTINCT ?this WHERE {{ {focus} {missing} }}")
        for key, op in ((SH.lessThan, "<"), (SH.lessThanOrEquals, "<=")):
            for other in shapes.objects(shape, key):
                add(
                    _name(key),
                    f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} ?this {term(other)} ?_w . "
                    f"FILTER(!COALESCE(?value {op} ?_w, false)) }}",
                )
        for qualified in shapes.objects(shape, SH.qualifiedValueShape):
            for n in shapes.objects(shape, SH.qualifiedMinCount):
                add(
                    "QualifiedMinCount",
                    f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} "
                    f"FILTER({conforms(shapes, qualified, '?value')}) }} }} GROUP BY ?this "
                    f"HAVING (COUNT(DISTINCT ?value) < {int(str(n))})",
                )
            if shapes.value(shape, SH.qualifiedMaxCount) is not None:
                raise UnsupportedShape(f"{shape}: sh:qualifiedMaxCount is not compiled")
        if shapes.value(shape, SH.closed) == Literal(True):
            allowed = {
                str(p)
                for s in shapes.objects(shape, SH.property)
                for p in shapes.objects(s, SH.path)
                if isinstance(p, URIRef)
            }
            ignored = shapes.value(shape, SH.ignoredProperties)
            allowed |= {str(p) for p in (shapes.items(ignored) if ignored is not None else [])}
            listed = ", ".join(f"<{p}>" for p in sorted(allowed))
            add(
                "Closed",
                f"SELECT DISTINCT ?this ?value ?path WHERE {{ {focus} ?this ?path ?value . "
                f"FILTER(?path NOT IN ({listed})) }}",
                shown=None,
            )
        for constraint in shapes.objects(shape, SH.sparql):
            add("SPARQL", sparql_constraint(shapes, constraint, focus), shown=None)
    return checks


def _name(key: Node) -> str:
    name = str(key).rsplit("#", 1)[-1]
    return name[0].upper() + name[1:]


def _fill(template: str, row: Any, names: list[str]) -> str:
    """pyshacl's message templates: {?var} and {$var} replaced by the row's values."""

    def value(match: re.Match[str]) -> str:
        name = "this" if match.group(1) == "this" else match.group(1)
        found = row[name] if name in names else None
        return found.value if found is not None else ""

    return re.sub(r"\{[?$](\w+)\}", value, template)


def integer_literals(quads: Iterable[ox.Quad | ox.Triple]) -> Literals:
    """Record the integer-family literals of parsed quads, for ``check``'s datatype tests."""
    found: Literals = {}
    for quad in quads:
        o = quad.object
        if isinstance(o, ox.Literal) and URIRef(o.datatype.value) in INTEGERS:
            found.setdefault((str(quad.subject), quad.predicate.value), []).append(o)
    return found


def _integer_rows(
    rows: Iterator[ox.QuerySolution], datatype: str, path: str, literals: Literals
) -> Iterator[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
    """The focus nodes' values of ``path`` that were parsed with another integer type than ``datatype``."""
    for row in rows:
        for literal in literals.get((str(row["this"]), path), []):
            if literal.datatype.value != datatype:
                yield {"this": row["this"], "value": literal}


def check(
    store: ox.Store, shapes: Graph, graphs: list[str], literals: Literals | None = None
) -> ValidationReport:
    """Validate the union of ``graphs`` of ``store`` against ``shapes``; conforms unless a violation.

    ``literals`` are the integer-family literals as parsed (``integer_literals``): without them a value
    typed xsd:integer where a shape wants xsd:nonNegativeInteger would pass, as Oxigraph stores both alike.
    """
    named: list[GraphName] = [ox.NamedNode(g) for g in graphs]
    findings: set[Finding] = set()
    checks = compile_shapes(store, shapes, graphs)

    def run(c: Check) -> tuple[Check, list[str], list[Any]]:
        result = store.query(c.query, default_graph=named)
        assert isinstance(result, ox.QuerySolutions)
        return c, [v.value for v in result.variables], list(result)

    # Oxigraph lets go of the GIL while it evaluates, so two threads keep both cores busy.
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(run, checks))
    for c, names, rows in done:
        severity = _SEVERITIES.get(shapes.value(c.shape, SH.severity) or SH.Violation, "Violation")
        if c.component.startswith("Datatype "):
            if literals is None:
                raise UnsupportedShape(
                    f"{c.shape}: integer datatypes need the parsed literals (integer_literals)"
                )
            rows, names = (
                list(_integer_rows(iter(rows), c.component[9:], c.path or "", literals)),
                ["this", "value"],
            )
            c = Check(c.shape, "Datatype", c.query, c.path)
        messages = {m.language: str(m) for m in shapes.objects(c.shape, SH.message) if isinstance(m, Literal)}
        for row in rows:
            value = row["value"] if "value" in names else None
            path = row["path"] if "path" in names else None
            findings.add(
                Finding(
                    focus_node=_text(row["this"]) or "",
                    path=_text(path) if path is not None else c.path,
                    value=_text(value),
                    message_en=_fill(messages.get("en", ""), row, names),
                    message_it=_fill(messages.get("it", ""), row, names),
                    severity=severity,
                    source_shape=str(c.shape),
                    constraint_component=f"{SH}{c.component}ConstraintComponent",
                )
            )
    ordered = sorted(
        findings,
        key=lambda f: (
            f.severity != "Violation",
            f.severity,
            f.source_shape,
            f.focus_node,
            f.path or "",
            f.value or "",
        ),
    )
    conforming = not any(f.severity == "Violation" for f in ordered)
    return ValidationReport(conforms=conforming, findings=tuple(ordered), report_graph=Graph())


def _text(term_: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    if term_ is None:
        return None
    if isinstance(term_, ox.Literal):
        if term_.language:
            return Literal(term_.value, lang=term_.language).n3()
        plain = term_.datatype.value == str(namespaces.XSD.string)
        return term_.value if plain else Literal(term_.value, datatype=URIRef(term_.datatype.value)).n3()
    if isinstance(term_, ox.BlankNode):
        return f"_:{term_.value}"
    return str(term_.value) if isinstance(term_, ox.NamedNode) else str(term_)

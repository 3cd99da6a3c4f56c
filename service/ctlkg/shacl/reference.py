"""SHACL validation of the graph: loading the shapes, running pyshacl and reading its report into findings."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal as Choice

from pyshacl import validate as pyshacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import SH
from rdflib.paths import Path as PropertyPath
from rdflib.term import Node

Severity = Choice["Violation", "Warning", "Info"]

_SEVERITIES: dict[Node, Severity] = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_ORDER: dict[Severity, int] = {"Violation": 0, "Warning": 1, "Info": 2}
_LANGUAGES = ("en", "it")
# pyshacl fills {?var} / {$var} in SPARQL messages; a template matches a filled message with any text there.
_TEMPLATE_VARIABLE = re.compile(r"\{[?$]\w+\}")


def ontology_dir() -> Path:
    """The repository's ontology directory (service/ctlkg/ -> repository root -> ontology/)."""
    return Path(__file__).resolve().parents[3] / "ontology"


def shapes_dir() -> Path:
    return ontology_dir() / "shapes"


def load_shapes(path: Path | None = None) -> Graph:
    """All the shapes: every Turtle file of `path` (a directory or one file), by default ontology/shapes/."""
    path = shapes_dir() if path is None else path
    files = sorted(path.glob("*.ttl")) if path.is_dir() else [path]
    if not files:
        raise FileNotFoundError(f"no shapes (*.ttl) in {path}")
    graph = Graph()
    for file in files:
        graph.parse(file, format="turtle")
    return graph


def load_ontology(path: Path | None = None) -> Graph:
    """The ontology, by default ontology/ctl.ttl."""
    return Graph().parse(ontology_dir() / "ctl.ttl" if path is None else path, format="turtle")


@dataclass(frozen=True)
class Finding:
    """One SHACL validation result, with its message in English and Italian."""

    focus_node: str
    path: str | None
    value: str | None
    message_en: str
    message_it: str
    severity: Severity
    source_shape: str
    constraint_component: str

    def to_json(self) -> dict[str, str | None]:
        return {
            "focus_node": self.focus_node,
            "path": self.path,
            "value": self.value,
            "message_en": self.message_en,
            "message_it": self.message_it,
            "severity": self.severity,
            "source_shape": self.source_shape,
            "constraint_component": self.constraint_component,
        }


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation: conforms unless there is a violation (warnings and infos are allowed)."""

    conforms: bool
    findings: tuple[Finding, ...]
    report_graph: Graph = field(repr=False, compare=False)

    def counts(self) -> dict[Severity, int]:
        counted = Counter(finding.severity for finding in self.findings)
        return {"Violation": counted["Violation"], "Warning": counted["Warning"], "Info": counted["Info"]}

    def by_severity(self, severity: Severity) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == severity)

    def to_json(self) -> dict[str, object]:
        return {
            "conforms": self.conforms,
            "counts": self.counts(),
            "findings": [finding.to_json() for finding in self.findings],
        }


def validate(data: Graph, *, ontology: Graph | None = None, shapes: Graph | None = None) -> ValidationReport:
    """Validate `data` against the shapes (by default all of ontology/shapes/).

    The ontology is mixed into a copy of the data so that subclass triples reach the targets (a ctl:Cluster
    is a ctl:Organisation) and the meta shapes see the ontology header. No inference: RDFS range axioms
    would type wrong values into right ones and hide errors.
    """
    shapes = load_shapes() if shapes is None else shapes
    target = data
    if ontology is not None:
        # Not pyshacl's ont_graph: it copies only the RDFS/OWL axioms, which cuts the owl:Ontology header down
        # to owl:versionIRI and owl:versionInfo, and the meta shapes would report the rest missing.
        target = Graph()
        target += data
        target += ontology
    _conforms, report_graph, _text = pyshacl_validate(
        target,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        # Our own copy may be worked on in place; the caller's graph is cloned by pyshacl (advanced mode).
        inplace=target is not data,
    )
    # A property shape shared by two node shapes that target the same node reports the same result twice.
    unique = {_finding(report_graph, shapes, result) for result in report_graph.subjects(SH.resultSeverity)}
    findings = sorted(unique, key=_sort_key)
    conforms = not any(finding.severity == "Violation" for finding in findings)
    return ValidationReport(conforms=conforms, findings=tuple(findings), report_graph=report_graph)


def _sort_key(finding: Finding) -> tuple[int, str, str, str, str]:
    return (
        _SEVERITY_ORDER[finding.severity],
        finding.source_shape,
        finding.focus_node,
        finding.path or "",
        finding.value or "",
    )


def _finding(report: Graph, shapes: Graph, result: Node) -> Finding:
    source_shape = report.value(result, SH.sourceShape)
    message_en, message_it = _messages(report, shapes, result)
    return Finding(
        focus_node=_text(report.value(result, SH.focusNode)) or "",
        path=_path(report, report.value(result, SH.resultPath)),
        value=_text(report.value(result, SH.value)),
        message_en=message_en,
        message_it=message_it,
        severity=_severity(report.value(result, SH.resultSeverity)),
        source_shape=_text(source_shape) or "",
        constraint_component=_text(report.value(result, SH.sourceConstraintComponent)) or "",
    )


def _severity(node: Node | None) -> Severity:
    # A custom severity is none of ours: count it as blocking rather than let it pass unseen.
    return _SEVERITIES.get(node, "Violation") if node is not None else "Violation"


def _messages(report: Graph, shapes: Graph, result: Node) -> tuple[str, str]:
    """The result's message in each language.

    pyshacl copies a shape's language-tagged sh:message into the result as is, but when it fills the {?var}
    placeholders of a SPARQL constraint it drops the language tag: untagged messages are matched back to the
    template they came from. Without any result message, the shape's own sh:message is used.
    """
    templates = [
        message
        for node in (report.value(result, SH.sourceConstraint), report.value(result, SH.sourceShape))
        if node is not None
        for message in shapes.objects(node, SH.message)
        if isinstance(message, Literal)
    ]
    chosen: dict[str, str] = {}
    untagged: list[str] = []
    for message in report.objects(result, SH.resultMessage):
        if not isinstance(message, Literal):
            continue
        language = _language(message)
        if language is None:
            untagged.append(str(message))
        elif language in _LANGUAGES:
            chosen.setdefault(language, str(message))
    for text in untagged:
        language = next((_language(t) for t in templates if _fills(t, text) and _language(t)), None)
        # pyshacl's own generic messages (shapes without sh:message) are English.
        chosen.setdefault(language or "en", text)
    for template in templates:
        language = _language(template)
        if language in _LANGUAGES:
            chosen.setdefault(language, str(template))
    return chosen.get("en", ""), chosen.get("it", "")


def _language(literal: Literal) -> str | None:
    return literal.language.split("-")[0].lower() if literal.language else None


def _fills(template: Literal, text: str) -> bool:
    pieces = _TEMPLATE_VARIABLE.split(str(template))
    return re.fullmatch(".*?".join(re.escape(piece) for piece in pieces), text, flags=re.DOTALL) is not None


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        # Keep the datatype or language: "144"^^xsd:integer versus the xsd:nonNegativeInteger a shape wants.
        return node.n3() if (node.datatype or node.language) else str(node)
    return str(node)


def _path(report: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, BNode):
        # A complex path (alternative, inverse...) comes copied into the report: give it in SPARQL syntax.
        parsed = parse_shacl_path(report, node)
        return parsed.n3() if isinstance(parsed, PropertyPath) else str(parsed)
    return str(node)

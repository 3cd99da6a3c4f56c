"""The build pipeline: parse, validate with SHACL, reason with OWL RL; each stage timed for reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ctlkg.build.stages import Progress, StageClock
from ctlkg.errors import ValidationFailed
from ctlkg.rdf import sources as graphs
from ctlkg.reasoning import reference as reasoning
from ctlkg.shacl.reference import ValidationReport, validate


@dataclass
class Compiled:
    """Everything a store is built from, kept as separate graphs so they become separate named graphs."""

    ontology: Graph
    shapes: Graph
    data: Graph
    inferred: Graph
    report: ValidationReport | None
    timings: dict[str, float] = field(default_factory=dict)


def compile_graphs(
    data_sources: Iterable[Path] | None = None,
    *,
    check: bool = True,
    reason: bool = True,
    progress: Progress | None = None,
) -> Compiled:
    """Run the stages; raise ValidationFailed (carrying the report) when the data breaks a shape."""
    clock = StageClock(progress)
    with clock.stage("parse"):
        ontology = graphs.load_ontology()
        shapes = graphs.load_shapes()
        data = graphs.load_data(list(data_sources) if data_sources is not None else None)

    report = None
    if check:
        with clock.stage("validate"):
            report = validate(data, ontology=ontology, shapes=shapes)
        if not report.conforms:
            raise ValidationFailed(report)

    inferred = Graph()
    if reason:
        with clock.stage("reason"):
            inferred = reasoning.infer(ontology, data)
    return Compiled(ontology, shapes, data, inferred, report, clock.timings)

"""The build pipeline: parse, validate with SHACL, reason with OWL RL; each stage timed for reports."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ctlkg.errors import ValidationFailed
from ctlkg.rdf import sources as graphs
from ctlkg.reasoning import reference as reasoning
from ctlkg.shacl.reference import ValidationReport, validate

#: Called with a stage name when it starts, so a CLI can show progress.
Progress = Callable[[str], None]


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
    timings: dict[str, float] = {}

    def stage(name: str) -> float:
        if progress is not None:
            progress(name)
        return time.perf_counter()

    start = stage("parse")
    ontology = graphs.load_ontology()
    shapes = graphs.load_shapes()
    data = graphs.load_data(list(data_sources) if data_sources is not None else None)
    timings["parse"] = time.perf_counter() - start

    report = None
    if check:
        start = stage("validate")
        report = validate(data, ontology=ontology, shapes=shapes)
        timings["validate"] = time.perf_counter() - start
        if not report.conforms:
            raise ValidationFailed(report)

    inferred = Graph()
    if reason:
        start = stage("reason")
        inferred = reasoning.infer(ontology, data)
        timings["reason"] = time.perf_counter() - start
    return Compiled(ontology, shapes, data, inferred, report, timings)

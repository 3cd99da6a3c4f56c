"""`ctlkg synergies`: the synergies between clusters as a network file, tables, JSON or Turtle.

``ctlkg.cli.main`` registers it as a command; it lives here to keep that module short.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ctlkg.cli.console import err, open_store
from ctlkg.errors import CtlkgError
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.synergy import export as synergy_export
from ctlkg.synergy import graph as synergy_graph
from ctlkg.synergy.scores import COMBINED, SynergySet, check_dimension, compute_synergies, parse_weights


class SynergyFormat(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    csv = "csv"
    json = "json"
    node_link = "node-link"
    turtle = "turtle"


def _render(fmt: SynergyFormat, scored: SynergySet, dimension: str, min_score: float) -> bytes:
    if fmt is SynergyFormat.graphml:
        return synergy_export.graphml(scored, dimension, min_score=min_score)
    if fmt is SynergyFormat.gexf:
        return synergy_export.gexf(scored, dimension, min_score=min_score)
    if fmt is SynergyFormat.csv:
        return synergy_export.edges_csv(scored, dimension, min_score=min_score).encode("utf-8")
    if fmt is SynergyFormat.turtle:
        return synergy_graph.to_graph(scored).serialize(format="turtle", encoding="utf-8")
    data = (synergy_export.node_link(scored, dimension, min_score=min_score) if fmt is SynergyFormat.node_link
            else synergy_export.listing_json(scored, dimension, min_score=min_score))
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def synergies(
    fmt: Annotated[SynergyFormat, typer.Option("--format", help="Output format.")] = SynergyFormat.json,
    dimension: Annotated[str, typer.Option(help="Rank and weigh edges by this dimension.")] = COMBINED,
    weights: Annotated[str | None, typer.Option(help="e.g. ecosystems:2,places:0 (docs/synergy.md).")] = None,
    min_score: Annotated[float, typer.Option(min=0.0, max=1.0, help="Drop pairs scoring less.")] = 0.0,
    output: Annotated[Path | None, typer.Option("--out", help="File (folder for csv), else stdout.")] = None,
    store_dir: Annotated[Path | None, typer.Option("--store-dir", help="A built store.")] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", help="Data folder or files.")] = None,
) -> None:
    """Score every pair of clusters (docs/synergy.md) and write the scores, evidence or the network."""
    check_dimension(dimension)
    parsed = parse_weights(weights)  # both checked before the graph is compiled, which takes seconds
    scored = compute_synergies(EmbeddedBackend(open_store(store_dir, data, synergies=False)), parsed)
    if fmt is SynergyFormat.csv and output is not None:
        output.mkdir(parents=True, exist_ok=True)
        (output / "nodes.csv").write_text(synergy_export.nodes_csv(scored), encoding="utf-8")
        (output / "edges.csv").write_bytes(_render(fmt, scored, dimension, min_score))
        err.print(f"wrote {output / 'nodes.csv'} and {output / 'edges.csv'}")
        return
    payload = _render(fmt, scored, dimension, min_score)
    if output is None:
        sys.stdout.buffer.write(payload)
        return
    if output.is_dir():
        raise CtlkgError(f"{output} is a folder: give a file name (a folder only for --format csv)")
    output.write_bytes(payload)
    err.print(f"wrote {output} ({len(payload)} bytes)")

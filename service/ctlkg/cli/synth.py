"""`ctlkg synth`: write a synthetic data set of N clusters, with a progress bar for the long runs.

``ctlkg.cli.main`` registers it as ``ctlkg synth``; it also runs on its own as
``python -m ctlkg.cli.synth --clusters 100 --out build/synth-100``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ctlkg.synth import clusters as generator

err = Console(stderr=True)


def synth(
    clusters: Annotated[int, typer.Option("--clusters", min=1, help="How many clusters to generate.")] = 9,
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed: the same seed writes the same bytes.")
    ] = 0,
    out: Annotated[Path, typer.Option("--out", help="Folder to write (replaced if it exists).")] = Path(
        "build/synth"
    ),
) -> None:
    """Generate synthetic data shaped like data/ (members, statistics, projects, networks) for benchmarks."""
    columns = (TextColumn("clusters"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # A bar only where it helps: a small set is written before it could be drawn.
    with Progress(*columns, console=err, transient=True, disable=clusters < 500) as bar:
        task = bar.add_task("clusters", total=clusters)
        summary = generator.generate(out, clusters, seed, lambda done: bar.update(task, completed=done))
    err.print(
        f"Wrote {summary.clusters} clusters, {summary.triples:,} triples in {summary.files} files to {out} "
        f"({summary.seconds:.1f} s, seed {summary.seed})"
    )


def main() -> None:
    typer.run(synth)


if __name__ == "__main__":
    main()

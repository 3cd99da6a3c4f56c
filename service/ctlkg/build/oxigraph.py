"""`ctlkg build` at scale: parse, validate, reason and score synergies inside Oxigraph, then write the store.

The reference pipeline (``ctlkg.build.reference``: rdflib, pyshacl, owlrl) takes minutes past a hundred
clusters. Here every stage works on an in-memory Oxigraph store, where joins run about ten times faster than
on disk: Turtle is bulk-loaded (no rdflib), the shapes run as compiled SPARQL (``ctlkg.shacl.compiled``), OWL
RL as SPARQL rules (``ctlkg.reasoning.rules``), synergies are scored in numpy blocks
(``ctlkg.synergy.blocks``); the result is then bulk-loaded into the on-disk store that ``ctlkg serve
--store-dir`` opens, and optimised. Each stage's time is returned.

    python -m ctlkg.build.oxigraph --data build/synth-1000 --out build/store-1000
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ctlkg.build.stages import Progress, StageClock, Timings
from ctlkg.errors import SourceError, StoreError, ValidationFailed
from ctlkg.rdf import namespaces, paths
from ctlkg.rdf import sources as graphs
from ctlkg.reasoning import rules
from ctlkg.shacl import compiled as fastcheck
from ctlkg.shacl.reference import ValidationReport
from ctlkg.sparql.backend import default_graph_update
from ctlkg.synergy import blocks as fastsynergy


def _files(sources: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for source in sources:
        if source.is_dir():
            found.extend(paths.data_files(source))
        elif source.is_file():
            found.append(source)
        else:
            raise SourceError(f"{source}: no such file or folder")
    if not found:
        raise SourceError("no Turtle files found in " + ", ".join(map(str, sources)))
    return found


def _payload(file: Path) -> bytes:
    """The file's bytes, with the repository's base IRI mapped to CTLKG_BASE_IRI like ``graphs`` does."""
    text = file.read_bytes()
    if namespaces.BASE != namespaces.DEFAULT_BASE:
        text = text.replace(namespaces.DEFAULT_BASE.encode(), namespaces.BASE.encode())
    return text


def load(store: ox.Store, files: Iterable[Path], graph: str) -> fastcheck.Literals:
    """Bulk-load Turtle files into ``graph``; return their integer-typed literals as parsed (the store keeps
    a valid xsd:nonNegativeInteger as xsd:integer, and the datatype checks need the difference)."""
    target = ox.NamedNode(graph)
    literals: fastcheck.Literals = {}
    for file in files:
        payload = _payload(file)
        try:
            store.bulk_load(payload, format=ox.RdfFormat.TURTLE, to_graph=target)
            for key, found in fastcheck.integer_literals(
                ox.parse(payload, format=ox.RdfFormat.TURTLE)
            ).items():
                literals.setdefault(key, []).extend(found)
        except SyntaxError as exc:
            raise SourceError(f"{file}: {exc}") from exc
    return literals


def compile_store(
    data_dirs: Iterable[Path] | None = None,
    *,
    check: bool = True,
    reason: bool = True,
    synergies: bool = True,
    progress: Progress | None = None,
) -> tuple[ox.Store, ValidationReport | None, Timings]:
    """The in-memory store with the ontology, shapes, data, inferred and synergies graphs; ValidationFailed
    (carrying the report) when ``check`` and the data breaks a shape."""
    clock = StageClock(progress)
    with clock.stage("parse"):
        store = ox.Store()
        literals = load(store, paths.ontology_files(), namespaces.GRAPH_ONTOLOGY)
        load(store, paths.shape_files(), namespaces.GRAPH_SHAPES)
        for key, found in load(store, _files(data_dirs or [paths.DATA_DIR]), namespaces.GRAPH_DATA).items():
            literals.setdefault(key, []).extend(found)
    report = None
    if check:
        with clock.stage("validate"):
            report = fastcheck.check(
                store, graphs.load_shapes(), [namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_DATA], literals
            )
        if not report.conforms:
            raise ValidationFailed(report)
    if reason:
        with clock.stage("reason"):
            rules.infer(
                store,
                data=namespaces.GRAPH_DATA,
                ontology=namespaces.GRAPH_ONTOLOGY,
                inferred=namespaces.GRAPH_INFERRED,
            )
    if synergies:
        with clock.stage("synergies"):
            fastsynergy.materialise(store)
    return store, report, clock.timings


def write_store(dump: Path, out_dir: Path) -> ox.Store:
    """Bulk-load an N-Quads dump into a fresh on-disk store at ``out_dir``."""
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        disk = ox.Store(str(out_dir))
    except OSError as exc:
        raise StoreError(f"cannot open store at {out_dir}: {exc}") from exc
    disk.clear()
    disk.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    return disk


def _release_memory() -> None:
    """Give freed heap pages back to the system: glibc keeps them, and RocksDB's loader wants as much."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@dataclass(frozen=True)
class Built:
    """What ``fast_build`` made: seconds per stage, triples per graph, and the validation report."""

    timings: Timings
    sizes: dict[str, int]
    report: ValidationReport | None


def _sizes(store: ox.Store) -> dict[str, int]:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    return {row["g"].value: int(row["n"].value) for row in rows}


def _swap(built: Path, out_dir: Path) -> None:
    """Put the finished store at ``out_dir``: a failed build never leaves a half-written store there."""
    is_store = out_dir.is_dir() and (not any(out_dir.iterdir()) or (out_dir / "CURRENT").exists())
    if out_dir.exists() and not is_store:
        raise StoreError(f"{out_dir} exists and is not a store: not replacing it")
    old = out_dir.with_name(out_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    built.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def fast_build(data_dirs: Iterable[Path] | None, out_dir: Path, progress: Progress | None = None) -> Built:
    """Build the on-disk store at ``out_dir`` from the data folders (default data/).

    The in-memory store is dumped and dropped before the disk load starts, so the two never hold the graph
    at the same time: RocksDB's bulk loader needs as much memory again, and the peak stays near one copy.
    The store is written next to ``out_dir`` and moved there when complete."""
    out_dir = out_dir.absolute()
    building = out_dir.with_name(out_dir.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="ctlkg-build-") as scratch:
        dump = Path(scratch) / "all.nq"
        memory, report, timings = compile_store(data_dirs, progress=progress)
        clock = StageClock(progress, timings)
        with clock.stage("store"):
            sizes = _sizes(memory)
            memory.update(default_graph_update())  # the service's default graph, read at full speed
            memory.dump(str(dump), format=ox.RdfFormat.N_QUADS)
            del memory
            _release_memory()
            disk = write_store(dump, building)
    with clock.stage("optimise"):
        disk.optimize()
        disk.flush()
        del disk
        gc.collect()
        _swap(building, out_dir)
    return Built(clock.timings, sizes, report)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ctlkg.build.oxigraph",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", help="data folder or file (repeatable)")
    parser.add_argument("--out", type=Path, required=True, help="store directory to write")
    args = parser.parse_args(argv)
    timings = fast_build(args.data, args.out, progress=lambda name: print(f"… {name}", flush=True)).timings
    for name, seconds in timings.items():
        print(f"  {name:<10} {seconds:7.2f} s")
    print(f"  {'total':<10} {sum(timings.values()):7.2f} s")


if __name__ == "__main__":
    main()

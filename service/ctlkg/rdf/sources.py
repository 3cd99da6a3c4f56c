"""Loading the ontology and data Turtle files into rdflib graphs, with the base IRI mapped in one place."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from ctlkg.errors import SourceError
from ctlkg.rdf import namespaces, paths


def _rebase(term: Node) -> Node:
    if isinstance(term, URIRef) and term.startswith(namespaces.DEFAULT_BASE):
        return URIRef(namespaces.BASE + term[len(namespaces.DEFAULT_BASE) :])
    return term


def parse_files(files: Iterable[Path]) -> Graph:
    """Parse Turtle files into one graph; a syntax error names the file and the parser's message."""
    graph = Graph()
    for prefix, iri in namespaces.PREFIXES.items():
        graph.bind(prefix, iri)
    for file in files:
        if not file.is_file():
            raise SourceError(f"{file}: no such file")
        try:
            graph.parse(file, format="turtle")
        except Exception as exc:  # rdflib raises several unrelated types for bad syntax
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise SourceError(f"{file}: {first_line}") from exc
    if namespaces.BASE != namespaces.DEFAULT_BASE:
        rebased = Graph()
        for s, p, o in graph:
            rebased.add((_rebase(s), _rebase(p), _rebase(o)))
        return rebased
    return graph


def load_ontology(ontology_dir: Path = paths.ONTOLOGY_DIR) -> Graph:
    return parse_files(paths.ontology_files(ontology_dir))


def load_shapes(shapes_dir: Path = paths.SHAPES_DIR) -> Graph:
    return parse_files(paths.shape_files(shapes_dir))


def load_data(sources: Iterable[Path] | None = None) -> Graph:
    """Load data from files and folders (every .ttl below a folder); the shipped data/ by default."""
    files: list[Path] = []
    for source in sources if sources is not None else [paths.DATA_DIR]:
        if source.is_dir():
            files.extend(paths.data_files(source))
        else:
            files.append(source)
    if not files:
        raise SourceError("no Turtle files found in " + ", ".join(str(s) for s in (sources or [])))
    return parse_files(files)

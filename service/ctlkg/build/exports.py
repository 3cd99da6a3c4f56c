"""Serialising the store to dump files in every RDF format, with or without the inferences."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from ctlkg.build import canonical, store
from ctlkg.rdf import namespaces

#: Format name -> (pyoxigraph format, file extension, media type).
FORMATS: dict[str, tuple[ox.RdfFormat, str, str]] = {
    "turtle": (ox.RdfFormat.TURTLE, "ttl", "text/turtle"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "nt", "application/n-triples"),
    "nquads": (ox.RdfFormat.N_QUADS, "nq", "application/n-quads"),
    "trig": (ox.RdfFormat.TRIG, "trig", "application/trig"),
    "jsonld": (ox.RdfFormat.JSON_LD, "jsonld", "application/ld+json"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "rdf", "application/rdf+xml"),
}
#: Formats that keep named graphs; the others get the union of the chosen graphs.
DATASET_FORMATS = {"nquads", "trig"}


def serialize(db: ox.Store, fmt: str, *, inferred: bool) -> bytes:
    """The dataset in one format: graphs kept where the format can hold them, merged otherwise."""
    rdf_format, _, _ = FORMATS[fmt]
    graphs = store.default_graphs(inferred=inferred)
    # Canonical blank-node labels and a sorted order: two exports of the same data are the same bytes.
    quads = canonical.relabelled(q for g in graphs for q in db.quads_for_pattern(None, None, None, g))
    if fmt in DATASET_FORMATS:
        return ox.serialize(quads, format=rdf_format, prefixes=_prefixes(fmt)) or b""
    triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
    return ox.serialize(triples, format=rdf_format, prefixes=_prefixes(fmt)) or b""


def _prefixes(fmt: str) -> dict[str, str] | None:
    return dict(namespaces.PREFIXES) if fmt in {"turtle", "trig", "rdfxml"} else None


def file_name(fmt: str, *, inferred: bool, compressed: bool = False) -> str:
    ext = FORMATS[fmt][1]
    name = f"ctlkg{'-inferred' if inferred else ''}.{ext}"
    return name + ".gz" if compressed else name


def write_dumps(
    db: ox.Store, out_dir: Path, formats: list[str], *, inferred: bool, compressed: bool
) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        payload = serialize(db, fmt, inferred=inferred)
        target = out_dir / file_name(fmt, inferred=inferred, compressed=compressed)
        target.write_bytes(gzip.compress(payload, mtime=0) if compressed else payload)
        written.append(target)
    return written

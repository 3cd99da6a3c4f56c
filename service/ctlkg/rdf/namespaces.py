"""The IRIs of the graph, kept in one place so a deployment can map the base to its own host."""

from __future__ import annotations

import os

from rdflib import RDF, RDFS, XSD, Namespace

#: Everything this project mints lives under this base; override with CTLKG_BASE_IRI at deployment.
DEFAULT_BASE = "https://w3id.org/lombardia-clusters/"
BASE = os.environ.get("CTLKG_BASE_IRI", DEFAULT_BASE)

ONTOLOGY_IRI = BASE + "ontology"
CTL = Namespace(ONTOLOGY_IRI + "#")
ID = Namespace(BASE + "id/")
SHAPES = Namespace(BASE + "shapes#")

#: Named graphs: the ontology, its SHACL shapes, the asserted facts, and what OWL RL adds.
GRAPH_ONTOLOGY = BASE + "graph/ontology"
GRAPH_DATA = BASE + "graph/data"
GRAPH_INFERRED = BASE + "graph/inferred"
GRAPH_SHAPES = BASE + "graph/shapes"
#: Derived from the others at build time: the scored synergies between pairs of clusters.
GRAPH_SYNERGIES = BASE + "graph/synergies"

#: The W3C vocabularies, named here once (rdflib's own): every module takes them from this one.
__all__ = ["RDF", "RDFS", "XSD"]
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
LOCN = Namespace("http://www.w3.org/ns/locn#")

#: Prefixes used when writing Turtle and in SPARQL prologues.
PREFIXES: dict[str, str] = {
    "ctl": str(CTL),
    "id": str(ID),
    "ctlsh": str(SHAPES),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": str(VANN),
    "locn": str(LOCN),
    "foaf": "http://xmlns.com/foaf/0.1/",
}
#: One prefix per kind of instance (Turtle prefixed names cannot contain "/").
INSTANCE_KINDS = (
    "cluster",
    "organisation",
    "stats",
    "site",
    "city",
    "region",
    "project",
    "block",
    "story",
    "group",
    "event",
    "agreement",
    "person",
    "network",
    "ecosystem",
    "pnrr",
    "techarea",
    "programme",
    "stage",
    "scheme",
    "source",
)
PREFIXES.update({kind: f"{ID}{'statistics' if kind == 'stats' else kind}/" for kind in INSTANCE_KINDS})
PREFIXES["section"] = f"{ID}source/ctl-report-2022/"

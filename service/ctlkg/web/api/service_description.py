"""The SPARQL 1.1 Service Description of /sparql: what it speaks, what it returns, and its dataset."""

from __future__ import annotations

import pyoxigraph as ox

from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import ALL_GRAPHS, Backend

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode(str(namespaces.RDF.type))
DCT = "http://purl.org/dc/terms/"
XSD_INTEGER = ox.NamedNode(str(namespaces.XSD.integer))

#: The W3C format IRIs of everything /sparql can answer in.
RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "N-Quads", "TriG", "JSON-LD", "RDF_XML",
)
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
DEFAULT_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
DESCRIPTION = {
    "en": "The default graph is the union of four named graphs: the ontology, the asserted data, the OWL RL "
    "inferences and the synergies derived from them (not the SHACL shapes, which are reachable by GRAPH); "
    "default-graph-uri and named-graph-uri choose another dataset.",
    "it": "Il grafo predefinito è l'unione di quattro grafi con nome: ontologia, dati asseriti, inferenze "
    "OWL RL e sinergie derivate (non le forme SHACL, raggiungibili con GRAPH); "
    "default-graph-uri e named-graph-uri scelgono un altro dataset.",
}


def _count(row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> ox.Literal:
    value = row.get("n")
    return ox.Literal(value.value if isinstance(value, ox.Literal) else "0", datatype=XSD_INTEGER)


def describe(
    backend: Backend, endpoint: str, *, writable: bool, federated: bool
) -> list[ox.Triple]:
    """The description as triples; sizes are counted now, so they follow any accepted write."""
    service = ox.NamedNode(endpoint)

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, ox.NamedNode(DCT + "title"), ox.Literal("ctlkg SPARQL endpoint", language="en")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
    ]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + f)) for f in RESULT_FORMATS]
    triples += [
        ox.Triple(dataset, ox.NamedNode(DCT + "description"), ox.Literal(text, language=lang))
        for lang, text in DESCRIPTION.items()
    ]
    if writable:
        triples.append(ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Update")))
    if federated:
        triples.append(ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")))
    for row in backend.select(DEFAULT_SIZE):
        triples.append(ox.Triple(default, ox.NamedNode(VOID + "triples"), _count(row)))
    sizes = {row["g"].value: _count(row) for row in backend.select(GRAPH_SIZES) if "g" in row}
    for iri in ALL_GRAPHS:
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(iri)),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), sizes.get(iri, _count({}))),
        ]
    return triples


PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID, "dcterms": DCT, "xsd": str(namespaces.XSD)}

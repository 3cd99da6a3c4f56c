"""The VoID and DCAT description of the dataset at /.well-known/void: size, licence, dumps, endpoint,
vocabularies and example resources, counted from the store so it stays true after a write.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from starlette.requests import Request
from starlette.responses import Response

from ctlkg.build import exports
from ctlkg.config import Settings
from ctlkg.errors import NotAcceptable
from ctlkg.rdf import namespaces
from ctlkg.sparql import negotiation, results
from ctlkg.sparql.backend import ALL_GRAPHS, Backend, Term
from ctlkg.sparql.runner import Runner
from ctlkg.web import openapi
from ctlkg.web.api.dumps import FILES
from ctlkg.web.api.sparql_query import response_headers
from ctlkg.web.base_url import public_base

VOID, DCAT, DCT = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
RDF_TYPE = NamedNode(str(namespaces.RDF.type))
INTEGER = NamedNode(str(namespaces.XSD.integer))
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = NamedNode("https://creativecommons.org/licenses/by/4.0/")
PREFIXES = {
    "void": VOID, "dcat": DCAT, "dcterms": DCT, "xsd": str(namespaces.XSD),
    "ctl": str(namespaces.CTL), "cluster": str(namespaces.ID) + "cluster/",
}

TITLE = {
    "en": "Cluster Tecnologici Lombardi knowledge graph",
    "it": "Grafo della conoscenza dei Cluster Tecnologici Lombardi",
}
ABSTRACT = {
    "en": "The nine Lombardy technology clusters: members, projects, networks, technology areas, PNRR links.",
    "it": "I nove Cluster Tecnologici Lombardi: soci, progetti, reti, aree tecnologiche, legami con il PNRR.",
}
COUNTS = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
    "distinctSubjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }",
    "distinctObjects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }",
    "entities": "SELECT ?space (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
    "FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?space)) } GROUP BY ?space",
}
CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY ?c"
TERMS = "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } }"
EXAMPLES = "SELECT ?x WHERE { ?x a ctl:Cluster } ORDER BY ?x LIMIT 3"
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _n(value: object) -> Literal:
    return Literal(value.value if isinstance(value, Literal) else "0", datatype=INTEGER)


def _vocabularies(backend: Backend) -> list[str]:
    """The namespaces (of the known prefixes) that the data's predicates and classes come from."""
    known = sorted(set(namespaces.PREFIXES.values()) - {str(namespaces.ID)}, key=len, reverse=True)
    used = {row["t"].value for row in backend.select(TERMS) if isinstance(row.get("t"), NamedNode)}
    return sorted({ns for term in used for ns in known if term.startswith(ns)})


def describe(backend: Backend, base: str) -> list[Triple]:
    """The description as triples; counts cover the default graph (ontology, data and inferences)."""
    dataset = NamedNode(base + ".well-known/void#dataset")
    endpoint = NamedNode(base + "sparql")
    space = Literal(str(namespaces.ID))
    out: list[Triple] = []

    def add(s: NamedNode | BlankNode, p: str, o: Term) -> None:
        out.append(Triple(s, NamedNode(p), o))

    add(dataset, RDF_TYPE.value, NamedNode(VOID + "Dataset"))
    add(dataset, RDF_TYPE.value, NamedNode(DCAT + "Dataset"))
    for lang in ("en", "it"):
        add(dataset, DCT + "title", Literal(TITLE[lang], language=lang))
        add(dataset, DCT + "description", Literal(ABSTRACT[lang], language=lang))
    add(dataset, DCT + "license", LICENCE)
    add(dataset, VOID + "sparqlEndpoint", endpoint)
    add(dataset, VOID + "uriSpace", space)
    for name, query in COUNTS.items():
        bindings = {"space": space} if "?space" in query else None
        add(dataset, VOID + name, _n(backend.select(query, bindings=bindings)[0].get("n")))
    for row in backend.select(CLASSES):
        partition = BlankNode()
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", row["c"])
        add(partition, VOID + "entities", _n(row.get("n")))
    for vocabulary in _vocabularies(backend):
        add(dataset, VOID + "vocabulary", NamedNode(vocabulary))
    for row in backend.select(EXAMPLES):
        add(dataset, VOID + "exampleResource", row["x"])
    sizes = {row["g"].value: row.get("n") for row in backend.select(GRAPH_SIZES) if "g" in row}
    for iri in ALL_GRAPHS:
        graph = NamedNode(iri)
        add(dataset, VOID + "subset", graph)
        add(graph, RDF_TYPE.value, NamedNode(VOID + "Dataset"))
        add(graph, VOID + "triples", _n(sizes.get(iri)))
    service = NamedNode(base + "sparql#service")
    add(dataset, DCAT + "accessService", service)
    add(service, RDF_TYPE.value, NamedNode(DCAT + "DataService"))
    add(service, DCAT + "endpointURL", endpoint)
    add(service, DCAT + "endpointDescription", endpoint)
    add(service, DCAT + "servesDataset", dataset)
    for name, (fmt, inferred, gz) in FILES.items():
        url = NamedNode(base + "dumps/" + name)
        media = "application/gzip" if gz else exports.FORMATS[fmt][2]
        add(dataset, VOID + "dataDump", url)
        add(dataset, DCAT + "distribution", url)
        add(url, RDF_TYPE.value, NamedNode(DCAT + "Distribution"))
        add(url, DCAT + "downloadURL", url)
        add(url, DCAT + "mediaType", NamedNode(IANA + media))
        if gz:
            add(url, DCAT + "compressFormat", NamedNode(IANA + "application/gzip"))
            add(url, DCAT + "packageFormat", NamedNode(IANA + exports.FORMATS[fmt][2]))
        add(url, DCT + "license", LICENCE)
        title = f"{name} ({'with' if inferred else 'without'} OWL RL inferences)"
        add(url, DCT + "title", Literal(title, language="en"))
    return out


#: Renders the description as a page for people (``web.html.void_page``), with the prefixes it shortens by.
VoidPage = Callable[[Request, list[Triple], dict[str, str]], Response]


class Void:
    def __init__(
        self, settings: Settings, backend: Backend, runner: Runner, page: VoidPage | None = None
    ) -> None:
        self.settings = settings
        self.backend = backend
        self.runner = runner
        self.page = page

    async def void(self, request: Request, format: str | None = None) -> Response:
        """The VoID + DCAT description, in any RDF format by Accept or `format`; a page for a browser."""
        media = negotiation.choose("triples", accept=request.headers.get("accept"), format_name=format,
                                   html=self.page is not None)
        if media is None:
            raise NotAcceptable("the description is available as " + ", ".join(negotiation.RDF_TYPES))
        base = public_base(request, self.settings)
        triples = await self.runner.run(lambda: describe(self.backend, base))
        if media == negotiation.HTML and self.page is not None:
            page = self.page(request, triples, PREFIXES)
            page.headers["Vary"] = "Accept, Accept-Language"
            return page
        body = results.triples_to(triples, media, prefixes=PREFIXES)
        return Response(body, headers=response_headers(media))


def router(settings: Settings, backend: Backend, runner: Runner, page: VoidPage | None = None) -> APIRouter:
    """The /.well-known/void route, for create_app to include; ``page`` renders it for people."""
    handlers = Void(settings, backend, runner, page)
    api = APIRouter(tags=["dataset description"])
    openapi.per_method(api, "/.well-known/void", handlers.void, ("GET", "HEAD"), response_class=Response,
                       summary="VoID and DCAT description of the dataset")
    return api

"""The remote backend in-process against the session's real engines, Oxigraph server and Virtuoso 7, and
the loader's two ways in (SPARQL Update, Graph Store Protocol); the HTTP-level tests run over it in the
other files.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pyoxigraph as ox
import pytest

from ctlkg.build import remote_load as loader
from ctlkg.errors import BackendError, QuerySyntaxError, UpstreamTimeout
from ctlkg.rdf import namespaces, paths
from ctlkg.sparql.backend import Dataset, Limits, Solutions, Triples
from ctlkg.sparql.remote import RemoteBackend, bind
from live_servers import Oxigraph, Service, Virtuoso, free_port

AFIL = ox.NamedNode(str(namespaces.ID) + "cluster/afil")
SCRATCH = "http://example.org/ctlkg-test/scratch"


@dataclass(frozen=True)
class Engine:
    """Where one engine answers queries, takes updates and takes Graph Store PUTs."""

    query: str
    update: str
    store: str


@pytest.fixture(params=["oxigraph", "virtuoso"])
def engine(request: pytest.FixtureRequest, oxigraph: Oxigraph, virtuoso: Virtuoso) -> Engine:
    if request.param == "oxigraph":
        return Engine(oxigraph.query, oxigraph.update, oxigraph.store)
    return Engine(virtuoso.sparql, virtuoso.sparql, virtuoso.store)


@pytest.fixture
def remote(engine: Engine) -> RemoteBackend:
    return RemoteBackend(engine.query, engine.update, timeout=30)


def clusters() -> int:
    return len(list((paths.DATA_DIR / "clusters").glob("*.ttl")))


def test_select_gives_pyoxigraph_terms(remote: RemoteBackend) -> None:
    rows = remote.select("SELECT ?c ?label WHERE { ?c a ctl:Cluster ; rdfs:label ?label }")
    assert len({row["c"] for row in rows}) == clusters()
    assert all(isinstance(row["c"], ox.NamedNode) and isinstance(row["label"], ox.Literal) for row in rows)
    assert {row["label"].language for row in rows} >= {"it"}  # type: ignore[union-attr]


def test_bindings_act_inside_the_where_clause(remote: RemoteBackend) -> None:
    """A bound variable is seen by FILTERs and before GROUP BY, as Oxigraph's substitutions are."""
    prefix = ox.Literal(str(namespaces.ID) + "cluster/")
    rows = remote.select(
        "SELECT ?s ?prefix WHERE { ?s a ctl:Cluster FILTER(STRSTARTS(STR(?s), ?prefix)) }",
        bindings={"prefix": prefix},
    )
    assert len(rows) == clusters()
    grouped = remote.select("SELECT ?c (COUNT(*) AS ?n) WHERE { ?c ?p ?o } GROUP BY ?c", bindings={"c": AFIL})
    assert len(grouped) == 1 and int(grouped[0]["n"].value) > 5


def test_construct_and_ask(remote: RemoteBackend) -> None:
    triples = remote.construct("CONSTRUCT { ?this ?p ?o } WHERE { ?this ?p ?o }", bindings={"this": AFIL})
    assert triples and all(t.subject == AFIL for t in triples)
    assert remote.ask("ASK { ?this a ctl:Cluster }", bindings={"this": AFIL})
    assert not remote.ask("ASK { ?this a ctl:Project }", bindings={"this": AFIL})


def test_inferred_switch(remote: RemoteBackend) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with_inferences = int(remote.select(query)[0]["n"].value)
    without = int(remote.select(query, inferred=False)[0]["n"].value)
    assert with_inferences > without


def test_same_answers_as_the_embedded_store(
    processes_services: dict[str, Service], client: httpx.Client
) -> None:
    query = (
        "PREFIX ctl: <" + str(namespaces.CTL) + "> SELECT ?c ?p ?o WHERE { ?c a ctl:Cluster ; ?p ?o } "
        "ORDER BY ?c ?p ?o"
    )
    answers = {
        name: client.get(s.sparql, params={"query": query}).json() for name, s in processes_services.items()
    }
    assert answers["embedded"] == answers["remote"]
    # The same rows from Virtuoso; ORDER BY between literals of different languages is the engine's choice
    # (SPARQL leaves it open), and Virtuoso's differs from Oxigraph's.
    assert answers["virtuoso"]["head"] == answers["embedded"]["head"]
    assert sorted(map(repr, answers["virtuoso"]["results"]["bindings"])) == sorted(
        map(repr, answers["embedded"]["results"]["bindings"])
    )


def test_run_with_dataset_and_row_limit(remote: RemoteBackend) -> None:
    result = remote.run(
        "SELECT * WHERE { ?s ?p ?o }",
        dataset=Dataset((namespaces.GRAPH_DATA,), ()),
        limits=Limits(max_rows=7, timeout=30),
    )
    assert isinstance(result, Solutions) and len(result.rows) == 7 and result.truncated
    graph = remote.run("CONSTRUCT WHERE { ?s ?p ?o }", dataset=Dataset(), limits=Limits(max_rows=5))
    assert isinstance(graph, Triples) and len(graph.triples) == 5 and graph.truncated


def test_errors_are_typed(remote: RemoteBackend) -> None:
    with pytest.raises(QuerySyntaxError) as syntax:
        remote.select("SELECT ?x WHERE { ?x }")
    assert str(syntax.value)
    with pytest.raises(UpstreamTimeout):
        remote.run(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }",
            dataset=Dataset(),
            limits=Limits(timeout=0.2),
        )
    nowhere = RemoteBackend(f"http://127.0.0.1:{free_port()}/query", timeout=2)
    with pytest.raises(BackendError) as unreachable:
        nowhere.ask("ASK {}")
    assert "127.0.0.1" not in str(unreachable.value)  # the engine's address stays in the log


def test_graph_and_replace(remote: RemoteBackend) -> None:
    first = [
        ox.Triple(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"), ox.Literal("1"))
    ]
    second = [
        ox.Triple(ox.NamedNode("http://example.org/b"), ox.NamedNode("http://example.org/p"), ox.Literal("2"))
    ]
    try:
        remote.replace_graphs({SCRATCH: first})
        assert remote.graph(SCRATCH) == first
        remote.replace_graphs({SCRATCH: second})
        assert remote.graph(SCRATCH) == second  # replaced, not added to
    finally:
        remote.replace_graphs({SCRATCH: []})
    assert remote.graph(SCRATCH) == []
    assert len(remote.graph(namespaces.GRAPH_DATA)) > 1000


def test_loader_graph_store_protocol(engine: Engine, remote: RemoteBackend) -> None:
    triples = [
        ox.Triple(
            ox.NamedNode("http://example.org/g"),
            ox.NamedNode("http://example.org/p"),
            ox.Literal("città", language="it"),
        )
    ]
    try:
        loader.push({SCRATCH: triples}, gsp=engine.store)
        assert remote.graph(SCRATCH) == triples
        loader.push({SCRATCH: triples}, gsp=engine.store)  # PUT replaces
        assert remote.graph(SCRATCH) == triples
    finally:
        loader.push({SCRATCH: []}, update_endpoint=engine.update)
    assert remote.graph(SCRATCH) == []
    with pytest.raises(BackendError):
        loader.push({SCRATCH: triples}, gsp=f"http://127.0.0.1:{free_port()}/store")


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param("SELECT * WHERE { ?this ?p ?o }", "SELECT * WHERE { VALUES", id="select"),
        pytest.param(
            'PREFIX a: <http://a/> SELECT * { ?this a:p "{" }', "SELECT * { VALUES", id="brace-in-string"
        ),
        pytest.param("CONSTRUCT { ?this ?p ?o } WHERE { ?this ?p ?o }", "} WHERE { VALUES", id="construct"),
        pytest.param("ASK {?this ?p ?o}", "ASK { VALUES", id="ask"),
        pytest.param("CONSTRUCT WHERE { ?this ?p ?o }", "?o }\n VALUES", id="construct-short-form-trails"),
        pytest.param("DESCRIBE ?this", "?this\n VALUES", id="describe-trails"),
    ],
)
def test_bind_places_values(query: str, expected: str) -> None:
    bound = bind(query, {"this": AFIL})
    assert expected in bound
    assert f"VALUES (?this) {{ (<{AFIL.value}>) }}" in bound
    ox.Store().query(bound)  # still valid SPARQL


def test_bind_writes_terms_safely() -> None:
    hostile = ox.Literal('x" } ; DROP ALL ; #')
    bound = bind("SELECT * WHERE { ?s ?p ?this }", {"this": hostile})
    found = ox.Store().query(bound)
    assert isinstance(found, ox.QuerySolutions) and list(found) == []  # one literal, nothing injected

"""The synergy network read back by NetworkX (GraphML, GEXF, node-link JSON), the CSV tables and the JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
import typer
from typer.testing import CliRunner

from ctlkg.build import store
from ctlkg.cli.synergies import synergies
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.synergy import export as synergy_export
from ctlkg.synergy.export import number
from ctlkg.synergy.scores import (
    COMBINED,
    DIMENSIONS,
    SynergyError,
    SynergySet,
    compute_synergies,
    parse_weights,
)
from graph_fixtures import compiled, oxigraph_store


@pytest.fixture(scope="module")
def scored() -> SynergySet:
    return compute_synergies(EmbeddedBackend(oxigraph_store()))


def expected_edges(scored: SynergySet, dimension: str = COMBINED) -> dict[frozenset[str], float]:
    return {frozenset((p.a.slug, p.b.slug)): number(p.score(dimension))
            for p in scored.pairs if p.score(dimension) > 0}


def read_graphml(scored: SynergySet, dimension: str) -> nx.Graph:
    return nx.read_graphml(io.BytesIO(synergy_export.graphml(scored, dimension)))


def read_gexf(scored: SynergySet, dimension: str) -> nx.Graph:
    return nx.read_gexf(io.BytesIO(synergy_export.gexf(scored, dimension)))


def read_node_link(scored: SynergySet, dimension: str) -> nx.Graph:
    return nx.node_link_graph(json.loads(json.dumps(synergy_export.node_link(scored, dimension))))


READERS = [pytest.param(read_graphml, id="graphml"), pytest.param(read_gexf, id="gexf"),
           pytest.param(read_node_link, id="node-link")]


@pytest.mark.parametrize("read", READERS)
@pytest.mark.parametrize("dimension", [COMBINED, "technology-areas", "places"])
def test_networkx_reads_nine_nodes_and_the_weighted_edges(
    scored: SynergySet, read: Callable[[SynergySet, str], nx.Graph], dimension: str
) -> None:
    graph = read(scored, dimension)
    assert not graph.is_directed() and not graph.is_multigraph()
    assert sorted(graph.nodes) == sorted(c.slug for c in scored.clusters)
    assert graph.nodes["le2c"]["label"] == "LE2C"
    assert graph.nodes["le2c"]["members"] == 144
    assert graph.nodes["scienze-vita"]["label_it"] == "Cluster Lombardo Scienze della Vita"
    weights = {frozenset((u, v)): w for u, v, w in graph.edges(data="weight")}
    assert weights == expected_edges(scored, dimension)
    # Every dimension's score rides on every edge, whatever weighs it.
    pairs = {frozenset((p.a.slug, p.b.slug)): p for p in scored.pairs}
    for u, v, data in graph.edges(data=True):
        assert {d: data[d] for d in (*DIMENSIONS, COMBINED)} == {
            d: number(pairs[frozenset((u, v))].score(d)) for d in (*DIMENSIONS, COMBINED)}


def test_the_network_by_technology_area_is_one_edge(scored: SynergySet) -> None:
    """Only Scienze della Vita and TAV declare technology areas in common (Digital Health, Salute e
    Benessere)."""
    assert set(expected_edges(scored, "technology-areas")) == {frozenset(("scienze-vita", "tav"))}


def test_min_score_and_weights_shape_the_network(scored: SynergySet) -> None:
    strong = nx.read_graphml(io.BytesIO(synergy_export.graphml(scored, COMBINED, min_score=0.2)))
    assert {frozenset(e) for e in strong.edges} == {frozenset(("scienze-vita", "tav")),
                                                   frozenset(("le2c", "lgca"))}
    heavy = scored.reweighted(parse_weights("ecosystems:5"))
    graph = nx.read_graphml(io.BytesIO(synergy_export.graphml(heavy, COMBINED)))
    assert graph.graph["weights"].startswith("ecosystems:5,")
    assert max(graph.edges(data="weight"), key=lambda e: e[2])[:2] in {("le2c", "lgca"), ("lgca", "le2c")}


def test_csv_tables_load_with_gephi_columns(scored: SynergySet) -> None:
    nodes = list(csv.DictReader(io.StringIO(synergy_export.nodes_csv(scored))))
    assert [row["Id"] for row in nodes] == [c.slug for c in scored.clusters]
    assert {row["Id"]: row["members"] for row in nodes}["lgca"] == "50"
    edges = list(csv.DictReader(io.StringIO(synergy_export.edges_csv(scored))))
    assert list(edges[0])[:4] == ["Source", "Target", "Type", "Weight"]
    assert set(edges[0]) >= {*DIMENSIONS, COMBINED, "shared", "iri"}
    weights = {frozenset((r["Source"], r["Target"])): float(r["Weight"]) for r in edges}
    assert weights == expected_edges(scored)
    assert all(r["Type"] == "Undirected" for r in edges)
    assert [float(r["Weight"]) for r in edges] == sorted((float(r["Weight"]) for r in edges), reverse=True)


def test_json_listing_carries_evidence_links(scored: SynergySet) -> None:
    listing = synergy_export.listing_json(scored, "places")
    assert listing["count"] == 36 and listing["dimension"] == "places"
    top = listing["synergies"][0]
    assert {c["slug"] for c in top["clusters"]} == {"le2c", "scienze-vita"}
    evidence = top["dimensions"]["places"]["evidence"]
    assert {e["href"] for e in evidence} == {"/id/site/via-pantano-9-milano", "/id/city/milano"}
    assert all(e["iri"].endswith(e["href"].removeprefix("/id/")) and e["label"]["it"] for e in evidence)
    for entry in listing["synergies"]:
        for part in entry["dimensions"].values():
            assert part["shared_count"] == len(part["evidence"])
            union = part["count_a"] + part["count_b"] - part["shared_count"]
            assert part["union_count"] == union
            assert part["score"] == pytest.approx(part["shared_count"] / union if union else 0, abs=1e-6)


def test_json_for_one_cluster_names_the_partner(scored: SynergySet) -> None:
    tav = scored.cluster("tav")
    listing = synergy_export.listing_json(scored, focus=tav)
    assert listing["cluster"]["slug"] == "tav" and listing["count"] == 8
    assert listing["synergies"][0]["partner"]["slug"] == "scienze-vita"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A built store on disk, so the command does not compile the data again for every test."""
    path = tmp_path_factory.mktemp("store")
    store.build_store(compiled(), path).flush()
    return str(path)


@pytest.fixture(scope="module")
def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(synergies)
    app.command("unused")(lambda: None)  # with two commands Typer keeps the command name on the line
    return app


@pytest.mark.parametrize(("fmt", "read"), [
    pytest.param("graphml", nx.read_graphml, id="graphml"),
    pytest.param("gexf", nx.read_gexf, id="gexf"),
])
def test_cli_writes_a_network_file(cli: typer.Typer, store_dir: str, tmp_path: Path, fmt: str,
                                   read: Callable[[Path], nx.Graph], scored: SynergySet) -> None:
    target = tmp_path / f"net.{fmt}"
    result = CliRunner().invoke(cli, ["synergies", "--format", fmt, "--dimension", "networks",
                                      "--out", str(target), "--store-dir", store_dir])
    assert result.exit_code == 0, result.output
    assert {frozenset(e) for e in read(target).edges} == set(expected_edges(scored, "networks"))


def test_cli_writes_csv_tables_and_refuses_bad_weights(
    cli: typer.Typer, store_dir: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(cli, ["synergies", "--format", "csv", "--weights", "places:0",
                                      "--out", str(tmp_path), "--store-dir", store_dir])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nodes.csv").read_text().startswith("Id,Label,")
    assert (tmp_path / "edges.csv").read_text().startswith("Source,Target,Type,Weight,")
    refused = CliRunner().invoke(cli, ["synergies", "--weights", "bogus:1", "--store-dir", store_dir])
    assert isinstance(refused.exception, SynergyError)


def test_cli_json_is_the_listing_with_evidence(cli: typer.Typer, store_dir: str) -> None:
    result = CliRunner().invoke(cli, ["synergies", "--dimension", "ecosystems", "--store-dir", store_dir])
    assert result.exit_code == 0, result.output
    listing = json.loads(result.stdout)
    assert listing["dimension"] == "ecosystems" and listing["count"] == 36
    assert listing["synergies"][0]["score"] == 1.0

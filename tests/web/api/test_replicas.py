"""Two services on one engine: a write through one reaches the other's caches within about a second."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from ctlkg.rdf import namespaces
from live_servers import TOKEN, Live, Oxigraph, start

AFIL = str(namespaces.ID) + "cluster/afil"


@pytest.fixture(scope="module")
def replicas(oxigraph: Oxigraph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, Live]]:
    """Two `ctlkg serve --endpoint` processes on the session's Oxigraph server, as behind a proxy."""
    logs = tmp_path_factory.mktemp("replicas")
    args = ("--endpoint", oxigraph.query, "--update-endpoint", oxigraph.update)
    first = start(logs / "first.log", args=args, env={"CTLKG_WRITE_TOKEN": TOKEN})
    try:
        second = start(logs / "second.log", args=args, env={"CTLKG_WRITE_TOKEN": TOKEN})
    except BaseException:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()


def _next_page(client: httpx.Client, live: Live) -> str:
    page = client.get(live.url + "/api/synergies", params={"limit": "5"})
    assert page.status_code == 200
    link: str = page.json()["next"]
    return link


def _write(client: httpx.Client, live: Live, update: str) -> None:
    answer = client.post(live.update, data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text


def test_a_write_through_one_replica_empties_the_others_caches(
    client: httpx.Client, replicas: tuple[Live, Live], oxigraph: Oxigraph
) -> None:
    first, second = replicas
    kept = _next_page(client, second)  # a cursor at the second replica's current state of the data
    assert client.get(second.url + kept).status_code == 200
    triple = f"<{AFIL}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://example.org/replica>"
    _write(client, first, f"INSERT DATA {{ {triple} }}")
    try:
        deadline = time.monotonic() + 10
        status = 200
        while time.monotonic() < deadline and status == 200:
            time.sleep(0.2)
            status = client.get(second.url + kept).status_code
        assert status == 409  # the second replica saw the first one's write: its listing may have changed
    finally:
        _write(client, first, f"DELETE DATA {{ {triple} }}")
    # The stamp lies in a graph of its own in the engine, outside the data every query reads.
    graph = namespaces.BASE + "graph/service"
    rows = client.get(oxigraph.query, params={"query": f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
                      headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    assert [row["s"]["value"] for row in rows] == [namespaces.BASE + "id/service/data"]
    found = client.get(first.sparql, params={"query": f"ASK {{ <{namespaces.BASE}id/service/data> ?p ?o }}"})
    assert found.json()["boolean"] is False

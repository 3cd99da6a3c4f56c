"""/sparql/update on both backends: the bearer token, the protocol's refusals, and validated writes
that either land whole (inferences recomputed, dumps refreshed) or leave the store exactly as it was.
"""

from __future__ import annotations

import httpx
import pytest

from ctlkg.rdf import namespaces
from live_servers import Service

#: Writes that must land the same way on Virtuoso.
pytestmark = pytest.mark.every_engine

AFIL = str(namespaces.ID) + "cluster/afil"
SEE_ALSO = f"<{AFIL}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <https://example.org/ctlkg-write-test>"
BOGUS = str(namespaces.ID) + "cluster/bogus-write-test"
FORM = "application/x-www-form-urlencoded"


def auth(service: Service) -> dict[str, str]:
    return {"Authorization": f"Bearer {service.token}"}


def ask(service: Service, client: httpx.Client, pattern: str) -> bool:
    return bool(client.get(service.sparql, params={"query": f"ASK {{ {pattern} }}"}).json()["boolean"])


def data_size(service: Service, client: httpx.Client) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{namespaces.GRAPH_DATA}> {{ ?s ?p ?o }} }}"
    return int(
        client.get(service.sparql, params={"query": query}).json()["results"]["bindings"][0]["n"]["value"]
    )


@pytest.mark.parametrize(
    "headers, status",
    [
        pytest.param({}, 401, id="no-token"),
        pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, 401, id="basic-auth"),
        pytest.param({"Authorization": "Bearer not-the-token"}, 403, id="wrong-token"),
    ],
)
def test_token_required(service: Service, client: httpx.Client, headers: dict[str, str], status: int) -> None:
    response = client.post(service.update, data={"update": f"INSERT DATA {{ {SEE_ALSO} }}"}, headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert not ask(service, client, SEE_ALSO)


def test_get_is_not_allowed(service: Service, client: httpx.Client) -> None:
    """W3C bad_update_get."""
    assert (
        client.get(service.update, params={"update": "CLEAR ALL"}, headers=auth(service)).status_code == 405
    )


@pytest.mark.parametrize(
    "kwargs, status",
    [
        pytest.param(
            {"content": b"update=CLEAR%20XYZ", "headers": {"Content-Type": FORM}}, 400, id="bad_update_syntax"
        ),
        pytest.param(
            {"content": b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", "headers": {"Content-Type": FORM}},
            400,
            id="bad_multiple_updates",
        ),
        pytest.param(
            {"content": b"CLEAR NAMED", "headers": {"Content-Type": "text/plain"}},
            415,
            id="bad_update_wrong_media_type",
        ),
        pytest.param({"content": b"update=CLEAR%20NAMED"}, 415, id="bad_update_missing_form_type"),
        pytest.param(
            {
                "content": "CLEAR NAMED".encode("utf-16"),
                "headers": {"Content-Type": "application/sparql-update; charset=UTF-16"},
            },
            415,
            id="bad_update_non_utf8",
        ),
        pytest.param(
            {
                "params": {"using-named-graph-uri": "http://example/people"},
                "content": b"WITH <http://example/addresses> DELETE { ?p <http://x/n> 'Bill' } "
                b"WHERE { ?p ?q ?o }",
                "headers": {"Content-Type": "application/sparql-update"},
            },
            400,
            id="bad_update_dataset_conflict",
        ),
        pytest.param({"data": {"query": "ASK {}"}}, 400, id="query-at-update"),
        pytest.param({"data": {"update": "LOAD <http://example.org/data.ttl>"}}, 400, id="load"),
        pytest.param(
            {
                "data": {
                    "update": "INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
                }
            },
            400,
            id="service",
        ),
        pytest.param({"data": {"format": "json"}}, 400, id="no-update"),
    ],
)
def test_protocol_refusals(
    service: Service, client: httpx.Client, kwargs: dict[str, object], status: int
) -> None:
    kwargs = dict(kwargs)  # the table is shared by both backends' runs
    headers = {**auth(service), **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    response = client.post(service.update, headers=headers, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text
    assert response.json()["message"]


def test_only_the_data_can_change(service: Service, client: httpx.Client) -> None:
    before = data_size(service, client)
    update = f"INSERT DATA {{ GRAPH <{namespaces.GRAPH_ONTOLOGY}> {{ {SEE_ALSO} }} }}"
    response = client.post(service.update, data={"update": update}, headers=auth(service))
    assert response.status_code == 403
    assert namespaces.GRAPH_ONTOLOGY in response.json()["message"]
    assert not ask(service, client, SEE_ALSO)
    assert data_size(service, client) == before


def test_write_breaking_a_shape_is_refused(service: Service, client: httpx.Client) -> None:
    before = data_size(service, client)
    update = f"INSERT DATA {{ <{BOGUS}> a <{namespaces.CTL.Cluster}> }}"
    response = client.post(
        service.update,
        content=update.encode(),
        headers={**auth(service), "Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 422, response.text
    report = response.json()["report"]
    assert report["conforms"] is False
    assert any(f["focus_node"] == BOGUS and f["severity"] == "Violation" for f in report["findings"])
    assert not ask(service, client, f"<{BOGUS}> ?p ?o")
    assert data_size(service, client) == before


def test_valid_write_lands_then_is_undone(service: Service, client: httpx.Client) -> None:
    before = data_size(service, client)
    response = client.post(
        service.update, data={"update": f"INSERT DATA {{ {SEE_ALSO} }}"}, headers=auth(service)
    )
    try:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["triples"]["data"] == before + 1 and body["triples"]["inferred"] > 0
        assert ask(service, client, SEE_ALSO)
        assert ask(service, client, f"GRAPH <{namespaces.GRAPH_DATA}> {{ {SEE_ALSO} }}")
        assert "ctlkg-write-test" in client.get(service.url + "/dumps/ctlkg.nt").text  # dumps were refreshed
    finally:
        undo = client.post(
            service.update, data={"update": f"DELETE DATA {{ {SEE_ALSO} }}"}, headers=auth(service)
        )
    assert undo.status_code == 200, undo.text
    assert not ask(service, client, SEE_ALSO)
    assert data_size(service, client) == before
    assert "ctlkg-write-test" not in client.get(service.url + "/dumps/ctlkg.nt").text

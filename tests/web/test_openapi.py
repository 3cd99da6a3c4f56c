"""The OpenAPI document as FastAPI generates it for our routes: one operationId per operation, with no
duplicate for FastAPI to warn about (each method is a route of its own, ``web.openapi.per_method``), and
400, not FastAPI's 422, where a parameter is wrong. The live document is checked operation by operation
in ``test_schemathesis.py``; this checks how it is made, in the process that makes it."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

from ctlkg.config import load_settings
from ctlkg.web.app import create_app
from live_servers import built_store

__all__ = ["built_store"]


def test_every_operation_has_its_own_id_without_a_warning(built_store: Path) -> None:
    app = create_app(load_settings(env={"CTLKG_STORE_DIR": str(built_store)}))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # FastAPI warns "Duplicate Operation ID" for a shared one
            document = app.openapi()
    finally:
        app.state.backend.close()  # its query workers
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    ids = Counter(op["operationId"] for _, _, op in operations)
    assert [name for name, count in ids.items() if count > 1] == []
    assert set(document["paths"]["/sparql"]) == {"get", "post"}
    assert set(document["paths"]["/graph-store"]) == {"get", "head", "put", "post", "delete"}
    assert ids["home__head"] == ids["home__get"] == 1
    assert all("422" not in op["responses"] for path, _, op in operations
               if not path.startswith(("/sparql/update", "/rdf-graphs", "/graph-store")))
    assert document["components"]["schemas"]["Error"]["required"] == ["status", "error", "message"]

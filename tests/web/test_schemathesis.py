"""schemathesis against the service's own OpenAPI document (/openapi.json), on the live embedded server
of the session: generated calls to every operation, valid and invalid, give no server error, and every
answer matches what the document says (status codes, media types, bodies, headers).

No write token is sent, so writes end at 401 and the data is left alone. Examples per operation are
bounded, and each call has a deadline.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.core.result import Ok

from live_servers import Processes

#: Checks about what the server promises: never a 5xx, and answers that match the document.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


#: Examples per operation: enough to reach every parameter's kinds of value, few enough for two cores.
EXAMPLES = 12


def operations(url: str) -> list[schemathesis.APIOperation[Any, Any, Any, Any]]:
    schema = schemathesis.openapi.from_url(url + "/openapi.json")
    found = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # an operation the document describes badly
        found.append(result.ok())
    return found


def test_api_conforms_to_its_openapi_document(processes: Processes) -> None:
    """Every operation of the document, with generated (valid and invalid) parameters and bodies."""
    url = processes.services["embedded"].url
    failures: list[str] = []
    tried = 0
    for operation in operations(url):

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=timedelta(seconds=45),
                  suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(base_url=url, checks=CHECKS, timeout=60)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; failures reported together
            failures.append(f"{operation.label}: {exc}"[:3000])
        tried += 1
    assert tried > 40
    assert not failures, "\n\n".join(failures)


def test_the_document_is_complete(processes: Processes) -> None:
    """Every operation has a unique operationId and documents its 400, as the handlers answer it."""
    document = schemathesis.openapi.from_url(processes.services["embedded"].url + "/openapi.json").raw_schema
    operations = [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]
    ids = [op["operationId"] for _, _, op in operations]
    assert len(ids) == len(set(ids))
    for path, method, op in operations:
        assert "422" not in op["responses"] or path.startswith(("/sparql/update", "/rdf-graphs", "/graph-store")), (
            path, method)
        if op.get("parameters"):
            assert "400" in op["responses"], (path, method)

"""Reading a SPARQL 1.1 Protocol operation (query or update) out of an HTTP request.

The three forms the protocol allows: GET with a query string, POST of an URL-encoded form, and POST
of the bare text (application/sparql-query or application/sparql-update). Text must be UTF-8.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pyoxigraph as ox
from starlette.requests import Request

from ctlkg.errors import QueryRefused, UnsupportedMediaType, shown
from ctlkg.sparql.backend import Dataset

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


@dataclass
class Operation:
    """Every parameter as a list, as the protocol allows repeats; checks on counts come later."""

    params: dict[str, list[str]] = field(default_factory=dict)

    def all(self, name: str) -> list[str]:
        return self.params.get(name, [])

    def one(self, name: str) -> str | None:
        """The single value of a parameter, None when absent; 400 when repeated."""
        values = self.all(name)
        if len(values) > 1:
            raise QueryRefused(f"the '{name}' parameter is given {len(values)} times; give it once")
        return values[0] if values else None

    def dataset(self, default: str = "default-graph-uri", named: str = "named-graph-uri") -> Dataset:
        """The protocol dataset; naming either list replaces the default dataset altogether."""
        if not self.all(default) and not self.all(named):
            return Dataset()
        for iri in self.all(default) + self.all(named):
            try:
                ox.NamedNode(iri)
            except ValueError as exc:
                raise QueryRefused(f"graph names must be absolute IRIs, not {shown(iri)}: {exc}") from exc
        return Dataset(tuple(self.all(default)), tuple(self.all(named)))


def _decode(raw: bytes, what: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryRefused(f"the {what} is not valid UTF-8: {exc.reason} at byte {exc.start}") from exc


def _pairs(raw: bytes, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeError as exc:
        raise QueryRefused(f"the {what} is not UTF-8 percent-encoded text") from exc


def _add(params: dict[str, list[str]], pairs: list[tuple[str, str]]) -> None:
    for name, value in pairs:
        params.setdefault(name, []).append(value)


def media_type(request: Request) -> tuple[str | None, str | None]:
    """The request's media type and charset parameter, lower-cased; (None, None) when absent."""
    header = request.headers.get("content-type")
    if not header or not header.strip():
        return None, None
    base, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return base.lower(), charset


async def read(request: Request, *, direct: str, text_param: str) -> Operation:
    """Parse GET or POST into parameters; the bare-text form's body becomes ``text_param``."""
    params: dict[str, list[str]] = {}
    _add(params, _pairs(request.scope.get("query_string", b""), "query string"))
    if request.method != "POST":
        return Operation(params)
    kind, charset = media_type(request)
    if kind is None:
        raise UnsupportedMediaType(f"a POST needs a Content-Type: {FORM} or {direct}")
    if charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(f"only UTF-8 is accepted, not charset={shown(charset)}")
    body = await request.body()
    if kind == FORM:
        _add(params, _pairs(body, "form body"))
    elif kind == direct:
        if text_param in params:
            raise QueryRefused(f"give the {text_param} either in the body or in the URL, not both")
        params[text_param] = [_decode(body, text_param)]
    elif kind in (QUERY, UPDATE):
        raise QueryRefused(
            "updates are not accepted here; POST them to /sparql/update"
            if kind == UPDATE
            else "queries are not accepted here; send them to /sparql"
        )
    else:
        raise UnsupportedMediaType(f"a POST body must be {FORM} or {direct}, not {shown(kind)}")
    return Operation(params)

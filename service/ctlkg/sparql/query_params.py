"""Named-query parameters: their declared types, and a request's text turned into one RDF term or refused.

Conversion is the whole defence: a value becomes a single pyoxigraph term (an IRI that pyoxigraph has
validated, or a typed literal) and reaches the engine as a binding, so no text a client sends can ever
become part of a query. Anything that does not convert is a ParameterError naming the parameter.

>>> convert(Param("n", "integer", "How many."), " 07 ")
<Literal value=7 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ctlkg.errors import QueryRefused, shown
from ctlkg.sparql.backend import Term

XSD = "http://www.w3.org/2001/XMLSchema#"
#: The JSON-schema type each parameter type is shown with in the OpenAPI document.
PARAM_TYPES: dict[str, str] = {
    "iri": "string", "string": "string", "integer": "integer", "decimal": "number", "boolean": "boolean",
}
#: Long enough for any label or IRI of the graph; a longer value is a mistake or an attack.
MAX_LENGTH = 2000
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
# The IRIREF production of SPARQL forbids these; pyoxigraph checks the rest of RFC 3987.
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ParameterError(QueryRefused):
    """A request's parameter that the query cannot take; the message says which and why (HTTP 400)."""

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class Param:
    """A declared parameter: values arrive as text and leave as a term of ``type``."""

    name: str
    type: str
    description: str
    default: str | None = None
    #: The only values accepted, as text; None accepts any value of the type.
    enum: tuple[str, ...] | None = None
    #: For an iri parameter, the class its value must be an instance of in the graph.
    class_iri: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None


def _iri(text: str) -> Term:
    if not _ABSOLUTE_IRI.fullmatch(text):
        raise ValueError("expected an absolute IRI such as https://w3id.org/lombardia-clusters/id/cluster/afil")
    return ox.NamedNode(text)  # raises ValueError on anything RFC 3987 forbids


def _string(text: str) -> Term:
    if _CONTROL.search(text):
        raise ValueError("expected a single line of text without control characters")
    return ox.Literal(text)


def _integer(text: str) -> Term:
    if not _INTEGER.fullmatch(text):
        raise ValueError("expected an integer such as 2")
    return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))


def _decimal(text: str) -> Term:
    if not _DECIMAL.fullmatch(text):
        raise ValueError("expected a decimal number such as 0.5")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError("expected a decimal number such as 0.5") from exc
    plain = format(value, "f")
    return ox.Literal(plain if "." in plain else plain + ".0", datatype=ox.NamedNode(XSD + "decimal"))


def _boolean(text: str) -> Term:
    if text.lower() not in _BOOLEANS:
        raise ValueError("expected true or false")
    return ox.Literal("true" if _BOOLEANS[text.lower()] else "false", datatype=ox.NamedNode(XSD + "boolean"))


_CONVERTERS: dict[str, Callable[[str], Term]] = {
    "iri": _iri, "string": _string, "integer": _integer, "decimal": _decimal, "boolean": _boolean,
}


def convert(param: Param, raw: str) -> Term:
    """The term for one value of ``param``: type checked, enum enforced; class membership is not
    checked here (it needs the graph: see ``named_queries.bind``)."""
    text = raw if param.type == "string" else raw.strip()
    if len(text) > MAX_LENGTH:
        raise ParameterError(f"parameter '{param.name}': the value is longer than {MAX_LENGTH} characters",
                             param.name)
    try:
        term = _CONVERTERS[param.type](text)
    except ValueError as exc:
        message = f"parameter '{param.name}': {shown(raw)} is not valid: {exc}"
        raise ParameterError(message, param.name) from exc
    if param.enum is not None:
        allowed = {_CONVERTERS[param.type](value) for value in param.enum}
        if term not in allowed:
            raise ParameterError(
                f"parameter '{param.name}': {shown(raw)} is not allowed; use one of {', '.join(param.enum)}",
                param.name,
            )
    return term

"""Named queries: one SPARQL file per query under queries/, a `#+` YAML header, parameters bound as terms.

The header (grlc's convention) keeps each file valid SPARQL that anyone can paste into an editor:

    #+ title: Clusters sharing S3 ecosystems
    #+ params:
    #+   - {name: lang, type: string, default: en, enum: [en, it], description: Language of the labels.}

It is read strictly, because a header that silently disagrees with its query turns into an API that
silently answers nothing: unknown keys, a parameter the query never reads or reads where bound values
do not reach (see ``sparql_variables``), a variable the query reads but nothing binds (a forgotten
parameter) are all errors. Values reach the engine only as bindings, never as query text.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
import yaml

from ctlkg.errors import CtlkgError, shown
from ctlkg.rdf import links, namespaces
from ctlkg.sparql import variables as sparql_variables
from ctlkg.sparql.backend import Backend, Bindings, Term
from ctlkg.sparql.query_params import PARAM_TYPES, Param, ParameterError, convert

__all__ = [
    "PARAM_TYPES", "HeaderError", "NamedQuery", "Param", "ParameterError", "bind", "load_catalogue",
    "load_query",
]

HEADER_KEYS = {"title", "title_it", "description", "description_it", "params", "example", "tags"}
REQUIRED_KEYS = ("title", "title_it", "description", "description_it", "example")
PARAM_KEYS = {"name", "type", "class", "default", "enum", "description"}
#: Names the API takes for itself, or that cannot be Python keyword arguments.
RESERVED = {"format", "request"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STEM = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CLASS_CHECK = "ASK { ?value a ?class }"


class HeaderError(CtlkgError):
    """A named-query file whose header is malformed or disagrees with its query."""


@dataclass(frozen=True)
class NamedQuery:
    """One query of the catalogue: the file's text as it is (header included) and what its header says."""

    name: str
    text: str
    title: str
    title_it: str
    description: str
    description_it: str
    example: str
    params: tuple[Param, ...]
    tags: tuple[str, ...]
    #: The variables of the top-level SELECT, in order: the columns of every answer.
    columns: tuple[str, ...]
    #: The query after its ``#+`` header: what an editor shows.
    body: str = ""

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


def _header(text: str, where: str) -> tuple[dict[str, Any], str]:
    """Split the leading `#+ ` lines (as YAML) from the rest of the file."""
    lines = text.splitlines(keepends=True)
    yaml_lines: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.startswith("#+"):
            break
        content = line[2:]
        if content.strip() and not content.startswith(" "):
            raise HeaderError(f"{where}:{number}: a header line is '#+ ' (with a space) followed by YAML")
        yaml_lines.append(content[1:] if content.startswith(" ") else "\n")
    if not yaml_lines:
        raise HeaderError(f"{where}: the file must start with a '#+' header")
    try:
        header = yaml.safe_load("".join(yaml_lines))
    except yaml.YAMLError as exc:
        raise HeaderError(f"{where}: the header is not valid YAML: {exc}") from exc
    if not isinstance(header, dict):
        raise HeaderError(f"{where}: the header must be a YAML mapping of keys to values")
    return header, "".join(lines[len(yaml_lines):])


def _text_field(header: Mapping[str, Any], key: str, where: str) -> str:
    value = header.get(key)
    if not isinstance(value, str) or not value.strip():
        raise HeaderError(f"{where}: '{key}' is missing or empty (it must be text)")
    return " ".join(value.split())


def _raw(value: Any) -> str:
    """A YAML scalar as the string a client would send (YAML reads `true` and `2` as bool and int)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise ValueError(f"{value!r} is not a single value")


def _expand(name: str) -> str:
    prefix, sep, local = name.partition(":")
    if sep and prefix in namespaces.PREFIXES and not local.startswith("//"):
        return namespaces.PREFIXES[prefix] + local
    raise ValueError(f"class {name!r} must be a prefixed name with a known prefix (e.g. ctl:Cluster)")


def _param(spec: Any, where: str) -> Param:
    if not isinstance(spec, dict):
        raise HeaderError(f"{where}: each entry of 'params' must be a mapping")
    name = spec.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise HeaderError(f"{where}: parameter name {name!r} must be a variable name (letters, digits, _)")
    where = f"{where}: parameter '{name}'"
    if unknown := sorted(set(spec) - PARAM_KEYS):
        keys = ", ".join(sorted(PARAM_KEYS))
        raise HeaderError(f"{where}: unknown keys {', '.join(unknown)} (allowed: {keys})")
    if name in RESERVED or keyword.iskeyword(name):
        raise HeaderError(f"{where}: the name is reserved")
    kind = spec.get("type")
    if kind not in PARAM_TYPES:
        raise HeaderError(f"{where}: type must be one of {', '.join(PARAM_TYPES)}, not {kind!r}")
    description = _text_field(spec, "description", where)
    if "class" in spec and kind != "iri":
        raise HeaderError(f"{where}: only an iri parameter can name a class")
    try:
        class_iri = _expand(str(spec["class"])) if "class" in spec else None
        default = _raw(spec["default"]) if "default" in spec else None
        enum = spec.get("enum")
        if enum is not None and (not isinstance(enum, list) or not enum):
            raise ValueError("enum must be a non-empty list of values")
        allowed = tuple(_raw(v) for v in enum) if enum is not None else None
        param = Param(name, kind, description, default=default, enum=allowed, class_iri=class_iri)
        for value in (*(allowed or ()), *((default,) if default is not None else ())):
            convert(param, value)  # the enum and the default must be values of the declared type
    except (ValueError, ParameterError) as exc:
        raise HeaderError(f"{where}: {exc}") from exc
    return param


def _check_example(example: str, name: str, params: tuple[Param, ...], where: str) -> None:
    parts = urlsplit(example)
    if parts.scheme or parts.netloc or parts.path != f"/api/queries/{name}":
        raise HeaderError(f"{where}: 'example' must be a path starting /api/queries/{name}")
    declared = {p.name: p for p in params}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "format":
            continue
        if key not in declared:
            raise HeaderError(f"{where}: 'example' passes '{key}', which is not a declared parameter")
        try:
            convert(declared[key], value)
        except ParameterError as exc:
            raise HeaderError(f"{where}: 'example': {exc}") from exc


def _check_variables(body: str, params: tuple[Param, ...], where: str) -> tuple[str, ...]:
    """The query's columns, once its variables agree with the declared parameters."""
    try:
        usage = sparql_variables.analyse(body)
    except ValueError as exc:
        raise HeaderError(f"{where}: {exc}") from exc
    names = {p.name for p in params}
    for name in sorted(names):
        if name not in usage.used:
            raise HeaderError(f"{where}: parameter '{name}' is declared but ?{name} is not in the query")
        if name not in usage.columns:
            # Bindings are SEP-0007 substitutions, which only reach the variables a SELECT returns.
            raise HeaderError(f"{where}: parameter '{name}' must be in the top-level SELECT as ?{name}")
    if misplaced := sorted(names & usage.nested):
        raise HeaderError(f"{where}: parameter '{misplaced[0]}' is used inside a sub-SELECT, UNION, GRAPH or "
                          "nested group, where bound values do not reach: use it in the top-level group")
    if undeclared := sorted(usage.free - names):
        listed = ", ".join("?" + v for v in undeclared)
        raise HeaderError(f"{where}: {listed} read but never bound by the query: declare as parameters")
    return usage.columns


def load_query(path: Path) -> NamedQuery:
    """Read and check one `.rq` file; HeaderError says what is wrong and where."""
    where = path.name
    if not _STEM.fullmatch(path.stem):
        raise HeaderError(f"{where}: a query's file name is its route: lower-case words joined by '-'")
    text = path.read_text(encoding="utf-8")
    header, body = _header(text, where)
    if unknown := sorted(set(header) - HEADER_KEYS):
        raise HeaderError(f"{where}: unknown header keys {', '.join(unknown)} "
                          f"(allowed: {', '.join(sorted(HEADER_KEYS))})")
    fields = {key: _text_field(header, key, where) for key in REQUIRED_KEYS}
    specs = header.get("params") or []
    tags = header.get("tags") or []
    if not isinstance(specs, list):
        raise HeaderError(f"{where}: 'params' must be a list")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise HeaderError(f"{where}: 'tags' must be a list of words")
    params = tuple(_param(spec, where) for spec in specs)
    if len({p.name for p in params}) != len(params):
        raise HeaderError(f"{where}: a parameter is declared twice")
    _check_example(fields["example"], path.stem, params, where)
    columns = _check_variables(body, params, where)
    return NamedQuery(name=path.stem, text=text, params=params, tags=tuple(tags), columns=columns, body=body,
                      **fields)


def load_catalogue(queries_dir: Path) -> dict[str, NamedQuery]:
    """Every `*.rq` of the folder by name (the file stem), in name order."""
    return {path.stem: load_query(path) for path in sorted(queries_dir.glob("*.rq"))}


def bind(query: NamedQuery, raw_params: Mapping[str, str], backend: Backend) -> Bindings:
    """The request's values as terms for the query's variables, defaults filled in; ParameterError
    (a QueryRefused, so 400) for an unknown name, a missing value, a value of the wrong type or
    outside the allowed ones, or an IRI that is not an instance of the parameter's class."""
    if unknown := sorted(set(raw_params) - {p.name for p in query.params}):
        takes = ", ".join(p.name for p in query.params) or "no parameters"
        message = f"unknown parameter {shown(unknown[0])} for {query.name}; it takes {takes}"
        raise ParameterError(message, unknown[0])
    bindings: dict[str, Term] = {}
    for param in query.params:
        raw = raw_params.get(param.name, param.default)
        if raw is None:
            message = f"missing required parameter '{param.name}' ({param.description})"
            raise ParameterError(message, param.name)
        term = convert(param, raw)
        if param.class_iri is not None and not backend.ask(
            _CLASS_CHECK, bindings={"value": term, "class": ox.NamedNode(param.class_iri)}
        ):
            kind = links.curie(param.class_iri)
            message = f"parameter '{param.name}': {shown(raw.strip())} is not a {kind} in the graph"
            raise ParameterError(message, param.name)
        bindings[param.name] = term
    return bindings

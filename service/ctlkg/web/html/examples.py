"""The example queries of the query page: the named queries of ``queries/*.rq``, in the reader's language.

The files are read with ``named_queries.load_query``, the same strict reader as the named-query API, but
one at a time: a broken file is left out (and logged) rather than taking the query page down with it;
the named-query tests are what make it fail loudly.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from ctlkg.rdf import paths
from ctlkg.sparql import named_queries

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Example:
    """One example: its name (a file stem, so also a safe HTML id), title, description, text, parameters."""

    name: str
    title: str
    description: str | None
    text: str
    #: "name = default" for each parameter, shown beside the example's title.
    params: tuple[str, ...] = ()
    #: The query without its ``#+`` header: what the editor shows (the header is the form's and the list's).
    body: str = ""
    #: The parameters for the page's form: name, type, description, the value to start from (the default,
    #: else the header's example), the allowed values.
    form: tuple[dict[str, object], ...] = ()


#: A file's identity for the cache: name, modification time and size (a stat, not a parse).
Signature = tuple[tuple[str, int, int], ...]


def load(lang: str, folder: Path | None = None) -> list[Example]:
    """Every readable ``.rq`` of the folder, by title; an empty or missing folder gives no examples.

    Parsing the headers with rdflib takes about a second, so a folder is parsed once and again only when
    a file is added, removed or changed (seen by its stat): an edited query still shows on the next visit."""
    directory = folder if folder is not None else paths.QUERIES_DIR
    if not directory.is_dir():
        return []
    italian = lang == "it"
    found = [
        Example(
            name=query.name,
            title=(query.title_it if italian else query.title) or query.title,
            description=(query.description_it if italian else query.description) or None,
            text=query.text,
            params=tuple(
                f"?{p.name} = {p.default}" if p.default is not None else f"?{p.name}" for p in query.params
            ),
            body=query.body,
            form=tuple(
                {"name": p.name, "type": p.type, "description": p.description,
                 "value": p.default if p.default is not None
                 else example_values(query.example).get(p.name, ""),
                 "enum": list(p.enum or ())}
                for p in query.params
            ),
        )
        for query in _parsed(directory, _signature(directory))
    ]
    return sorted(found, key=lambda e: e.title.casefold())


def example_values(example: str) -> dict[str, str]:
    """The parameter values of a header's ``example`` URL (/api/queries/name?cluster=...).

    >>> example_values("/api/queries/cluster-profile?cluster=https://w3id.org/x/cluster/afil&lang=it")
    {'cluster': 'https://w3id.org/x/cluster/afil', 'lang': 'it'}
    """
    return dict(parse_qsl(urlsplit(example).query))


def _signature(directory: Path) -> Signature:
    found = []
    for file in sorted(directory.glob("*.rq")):
        try:
            info = file.stat()
        except OSError:
            continue
        found.append((file.name, info.st_mtime_ns, info.st_size))
    return tuple(found)


@functools.lru_cache(maxsize=4)
def _parsed(directory: Path, signature: Signature) -> tuple[named_queries.NamedQuery, ...]:
    found = []
    for name, _, _ in signature:
        try:
            found.append(named_queries.load_query(directory / name))
        except (named_queries.HeaderError, OSError, UnicodeDecodeError) as exc:
            log.warning("example query %s left out: %s", name, exc)
    return tuple(found)

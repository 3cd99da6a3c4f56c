"""What OpenLink Virtuoso 7 needs from a SPARQL client that a SPARQL 1.1 engine does not (docs/virtuoso.md).

- It is recognised by its ``Server`` header, so `--endpoint` needs no extra option.
- It refuses blank nodes in ``INSERT DATA`` (SP031 "not allowed in a constant clause") and compiles an
  ``INSERT {…} WHERE {}`` template to SQL of bounded length: writes send ground triples as ``INSERT DATA``
  in chunks, and the blank-node triples as small templates, each holding whole blank-node components so a
  label names one node.
- It writes booleans as ``"1"^^xsd:boolean`` and an empty GROUP_CONCAT as ``""`` where Oxigraph leaves the
  variable unbound: rows are brought to Oxigraph's form, so pages and the API show the same values.
- Its syntax errors name a line but no column and echo the whole text it compiled, our ``define`` lines
  included: a refused query is parsed again here by Oxigraph's parser, so the message is the one the other
  backends give; what only Virtuoso refuses keeps its own first lines.
- It names blank nodes ``nodeID://b10001`` in SPARQL JSON, which is no blank node label: the prefix goes.
- A query's own FROM and FROM NAMED win there over the protocol's default-graph-uri and named-graph-uri,
  the other way round from the SPARQL Protocol: with a protocol dataset, the clauses are taken out.
- It leaves relative IRIs unresolved (``<s>`` comes back as ``<s>``): a BASE is put before the query.
- It answers HTTP 200 with a cut result when it hits ResultSetMaxRows (``X-SPARQL-MaxRows``) or its
  "anytime" time limit (``X-SQL-State: S1TAT``): those are errors here, never a silently short answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from enum import StrEnum

import httpx
import pyoxigraph as ox

from ctlkg.errors import BackendError, UpstreamTimeout
from ctlkg.sparql import lexer
from ctlkg.sparql.backend import Term

#: Ground triples per INSERT DATA: Virtuoso parses each into one constant; tens of thousands work, this
#: keeps a request's text to a few MB.
DATA_CHUNK = 5_000
#: Triples per INSERT template: one generated SQL statement each, under Virtuoso's 10,000-line cap.
TEMPLATE_CHUNK = 300


class Dialect(StrEnum):
    """How a remote engine is spoken to: plain SPARQL 1.1, or Virtuoso's ways around its limits."""

    SPARQL11 = "sparql11"
    VIRTUOSO = "virtuoso"


def detect(response: httpx.Response) -> Dialect:
    """Virtuoso names itself in every answer (``Server: Virtuoso/07.20.3229 (Linux) …``)."""
    server = response.headers.get("server", "")
    return Dialect.VIRTUOSO if server.lower().startswith("virtuoso") else Dialect.SPARQL11


_NODE_ID = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')


def plain_blank_nodes(response: httpx.Response) -> bytes:
    """The answer's body, Virtuoso's ``nodeID://`` blank node names made labels pyoxigraph reads."""
    if detect(response) is Dialect.VIRTUOSO:
        return _NODE_ID.sub(rb"\1", response.content)
    return response.content


def check_complete(response: httpx.Response) -> None:
    """Refuse an answer the engine cut short while saying 200."""
    if response.headers.get("x-sql-state") == "S1TAT":
        raise UpstreamTimeout("the SPARQL engine stopped at its time limit and returned a partial answer")
    cut = response.headers.get("x-sparql-maxrows")
    if cut is not None:
        raise BackendError(f"the SPARQL engine cut the answer at {cut} rows (its ResultSetMaxRows setting)")


_BOOLEAN = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
_CANONICAL = {"1": ox.Literal("true", datatype=_BOOLEAN), "0": ox.Literal("false", datatype=_BOOLEAN)}


def canonical(row: Mapping[str, Term], *, drop_empty: bool) -> dict[str, Term]:
    """A Virtuoso row in Oxigraph's form: canonical booleans and, with ``drop_empty`` (our own queries, not
    a client's), no binding for an empty plain string: what Virtuoso gives an aggregate of nothing, and
    the data holds no empty strings (SHACL sees to that)."""
    out: dict[str, Term] = {}
    for name, term in row.items():
        if isinstance(term, ox.Literal) and term.language is None:
            if term.datatype == _BOOLEAN:
                term = _CANONICAL.get(term.value, term)
            elif drop_empty and term.datatype == _STRING and term.value == "":
                continue
        out[name] = term
    return out


def syntax_message(said: str, query: str) -> str:
    """The words for a query Virtuoso refused with 400: Oxigraph's parser message when it refuses the
    text too, else Virtuoso's without the compiled text it echoes."""
    if query:
        try:
            # Lazy for SELECT and CONSTRUCT, and over an empty store: parsing is all that happens.
            ox.Store().query(query)
        except SyntaxError as exc:
            return str(exc)
        except (OSError, ValueError):
            pass
    return said.split("\n\nSPARQL query:", 1)[0].strip()


def without_from(query: str) -> str:
    """The query without its FROM and FROM NAMED clauses (those outside every brace), for a protocol
    dataset to apply as the SPARQL Protocol says it does."""
    cuts: list[tuple[int, int]] = []
    words = lexer.tokens(query)
    depth = 0
    for at, (kind, value, offset) in enumerate(words):
        if value in ("{", "}"):
            depth += 1 if value == "{" else -1
        elif depth == 0 and kind == "word" and value.upper() == "FROM":
            named = at + 1 < len(words) and words[at + 1][1].upper() == "NAMED"
            target = at + 2 if named else at + 1
            if target < len(words) and words[target][0] in ("iri", "pname"):
                cuts.append((offset, words[target][2] + len(words[target][1])))
    for start, end in reversed(cuts):
        query = query[:start] + query[end:]
    return query


def with_base(query: str, base_iri: str) -> str:
    """The query with a BASE first, on its first line, so line numbers stay."""
    return f"BASE {ox.NamedNode(base_iri)} {query}"


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _components(triples: list[ox.Triple]) -> list[list[ox.Triple]]:
    """The triples grouped so that every blank node's triples are in one group (union-find on labels)."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    for triple in triples:
        ends = [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]
        for other in ends[1:]:
            parent[root(other)] = root(ends[0])
    groups: dict[str, list[ox.Triple]] = {}
    for triple in triples:
        end = triple.subject if isinstance(triple.subject, ox.BlankNode) else triple.object
        assert isinstance(end, ox.BlankNode)
        groups.setdefault(root(end.value), []).append(triple)
    return list(groups.values())


def _packed(groups: list[list[ox.Triple]], size: int) -> Iterator[list[ox.Triple]]:
    chunk: list[ox.Triple] = []
    for group in groups:
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _ntriples(triples: list[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def replacing_update(graphs: Mapping[str, list[ox.Triple]]) -> str:
    """The generic replacing update (``backend.replacing_update``) in a form Virtuoso accepts, still one
    request: DROP each graph, then INSERT DATA chunks, then the blank-node templates.

    Terms are written by pyoxigraph's N-Triples serializer, never pasted from user text.
    """
    parts = [f"DROP SILENT GRAPH {ox.NamedNode(iri)}" for iri in graphs]
    for iri, triples in graphs.items():
        name = ox.NamedNode(iri)
        ground = [t for t in triples if not _has_blank(t)]
        for at in range(0, len(ground), DATA_CHUNK):
            parts.append(f"INSERT DATA {{ GRAPH {name} {{\n{_ntriples(ground[at:at + DATA_CHUNK])}}} }}")
        for chunk in _packed(_components([t for t in triples if _has_blank(t)]), TEMPLATE_CHUNK):
            parts.append(f"INSERT {{ GRAPH {name} {{\n{_ntriples(chunk)}}} }} WHERE {{}}")
    return " ;\n".join(parts)

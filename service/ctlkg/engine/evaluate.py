"""What a worker does with a request: open a data version, answer a query in the negotiated format with
Oxigraph's own writers, or try a write on a scratch copy. Runs inside the fenced worker only.

Answers are cut at the row limit without building Python rows: the engine writes TSV (SELECT) or N-Triples
(CONSTRUCT, DESCRIBE), one solution or triple a line, into a sink that stops it one line past the limit;
the kept lines are then parsed and written again, natively, in the format the client asked for.
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from ctlkg.errors import BackendError, NotAcceptable, QuerySyntaxError
from ctlkg.rdf import namespaces
from ctlkg.sparql import lexer, search, syntax_errors
from ctlkg.sparql.backend import default_graph_iris, has_default_graph

TSV = ox.QueryResultsFormat.TSV
NTRIPLES = ox.RdfFormat.N_TRIPLES
#: Formats where declared prefixes make the output readable; the others ignore or cannot use them.
PREFIXED = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML}
#: The graphs whose union is our default graph, when a store has not materialised it (built before that).
OURS = default_graph_iris()


#: Words a query needs to reach a named graph (or escapes that could spell them): such a query runs on the
#: full store; every other query runs on the default graph alone, which an in-memory store answers faster.
_NAMES_GRAPHS = re.compile(r"GRAPH|FROM|NAMED|\\u|\\U", re.IGNORECASE)


class _Full(Exception):
    """Raised by the sink to stop the engine's writer once enough lines are in."""


class LineSink:
    """A file-like object for Oxigraph's writers that keeps at most ``limit`` lines."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.lines = 0

    def write(self, chunk: bytes) -> int:
        data = bytes(chunk)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise _Full
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered here."""

    def take(self) -> tuple[bytes, bool]:
        """The first ``limit`` lines, and whether there were more."""
        data = b"".join(self.parts)
        if self.lines <= self.limit:
            return data, False
        end = -1
        for _ in range(self.limit):
            end = data.index(b"\n", end + 1)
        return data[: end + 1], True


def _drain(result: ox.QuerySolutions | ox.QueryTriples, fmt: Any, lines: int) -> tuple[bytes, bool]:
    sink = LineSink(lines)
    try:
        result.serialize(sink, format=fmt)  # type: ignore[arg-type]  # any object with write()
    except _Full:
        pass
    return sink.take()


def term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """A term written in N-Triples syntax (as the parent sends bound values), read back."""
    quad = next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", format=NTRIPLES)))
    found = quad.object
    if not isinstance(found, ox.NamedNode | ox.BlankNode | ox.Literal):
        raise QuerySyntaxError(f"not a term: {text}")
    return found


def solutions(result: ox.QuerySolutions, media: str, max_rows: int | None) -> tuple[bytes, bool]:
    fmt = ox.QueryResultsFormat.from_media_type(media)
    if fmt is None:
        raise NotAcceptable(f"{media} cannot carry query solutions")
    if max_rows is None:
        return result.serialize(format=fmt) or b"", False
    tsv, truncated = _drain(result, TSV, max_rows + 1)  # the header line, then one line a solution
    if fmt == TSV:
        return tsv, truncated
    return ox.parse_query_results(tsv, format=TSV).serialize(format=fmt) or b"", truncated


def triples(result: ox.QueryTriples, media: str, max_rows: int | None) -> tuple[bytes, bool]:
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise NotAcceptable(f"{media} cannot carry triples")
    if max_rows is None and fmt not in PREFIXED:
        return result.serialize(format=fmt) or b"", False
    lines, truncated = _drain(result, NTRIPLES, max_rows if max_rows is not None else 1 << 62)
    if fmt == NTRIPLES:
        return lines, truncated
    declared = dict(namespaces.PREFIXES) if fmt in PREFIXED else None
    parsed = (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(lines, format=NTRIPLES))
    return ox.serialize(parsed, format=fmt, prefixes=declared) or b"", truncated


def boolean(result: ox.QueryBoolean, media: str) -> bytes:
    fmt = ox.QueryResultsFormat.from_media_type(media)
    if fmt is None:
        raise NotAcceptable(f"{media} cannot carry a boolean")
    return result.serialize(format=fmt) or b""


def parse(header: dict[str, Any]) -> dict[str, Any]:
    """Whether a query's text parses (for the editor's marks while typing), on an empty store: a SELECT or
    CONSTRUCT is parsed and never evaluated, an ASK finds nothing; the worker's fence and deadline hold."""
    text = str(header["query"])
    try:
        ox.Store().query(text, prefixes=header.get("prefixes"),
                         custom_functions=search.functions(search.ScoreFunction(lambda _q, _i: ())))
    except SyntaxError as exc:
        raise QuerySyntaxError(syntax_errors.readable(str(exc), text, header.get("prefixes"))) from exc
    return {"ok": True}


class Engine:
    """One worker's store (one data version at a time) and the requests it answers."""

    def __init__(self) -> None:
        self.store: ox.Store | None = None
        #: In memory only: the default graph alone, for the queries that reach no named graph.
        self.plain: ox.Store | None = None
        self.version = -1
        #: Whether the store holds our default graph as its own (written by the build and every write).
        self.materialised = False
        #: ``search:score``, over this version's texts (indexed when a query first calls it).
        self.score: search.ScoreFunction | None = None

    def handle(self, header: dict[str, Any], body: bytes) -> tuple[dict[str, Any], bytes]:
        op = header.get("op")
        if op == "open":
            return self.open(header), b""
        if op == "write":
            from ctlkg.engine import trial

            scratch = ox.Store()
            scratch.load(body, format=ox.RdfFormat.N_QUADS)
            return trial.attempt(scratch, header)
        if op == "parse":
            return parse(header), b""
        if self.store is None:
            raise BackendError("no data is open in this worker")
        if op == "query":
            return self.query(self.store, header)
        raise BackendError(f"unknown request {op!r}")

    def open(self, header: dict[str, Any]) -> dict[str, Any]:
        """Open a published version: an N-Quads file into memory, or a store directory read-only, with its
        default graph in memory when the version brings it (``--in-memory``)."""
        path, kind, plain = str(header["path"]), header["kind"], header.get("plain")
        self.store = self.plain = None  # the old version's memory goes before the new one comes
        if kind == "nquads":
            store = ox.Store()
            store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
        else:
            store = ox.Store.read_only(path)
        self.store, self.version = store, int(header["version"])
        self.materialised = has_default_graph(store)
        self.score = search.ScoreFunction(search.store_select(store, self._graphs))
        if plain is not None and self.materialised:
            self.plain = ox.Store()
            self.plain.bulk_load(path=str(plain), format=NTRIPLES)
        elif kind == "nquads" and self.materialised:
            self.plain = ox.Store()
            self.plain.bulk_load(store.dump(format=NTRIPLES, from_graph=ox.DefaultGraph()) or b"",
                                 format=NTRIPLES)
        return {"ok": True, "version": self.version, "materialised": self.materialised}

    def _graphs(self, inferred: bool) -> list[ox.NamedNode] | None:
        """The default graph of our own queries (the search index's), with or without the inferences."""
        if inferred and self.materialised:
            return None
        return [ox.NamedNode(iri) for iri in default_graph_iris(inferred=inferred)]

    def _default(self, header: dict[str, Any], query: str) -> list[Any] | None:
        given = header.get("default_graph")
        if given is not None:
            return [ox.NamedNode(iri) for iri in given]
        if self.materialised or header.get("named_graphs") is not None:
            return None
        # An older store without the materialised union: name our graphs, unless the query has FROM.
        return None if lexer.outline(query).names_dataset else [ox.NamedNode(iri) for iri in OURS]

    def query(self, store: ox.Store, header: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        text = str(header["query"])
        named = header.get("named_graphs")
        plain = self.plain is not None and named is None and header.get("default_graph") is None
        if plain and _NAMES_GRAPHS.search(text) is None:
            assert self.plain is not None
            store = self.plain
        bindings = header.get("bindings") or {}
        try:
            result = store.query(
                text,
                base_iri=header.get("base_iri"),
                default_graph=self._default(header, text),
                named_graphs=[ox.NamedNode(iri) for iri in named] if named is not None else None,
                substitutions={ox.Variable(k): term(v) for k, v in bindings.items()} or None,
                prefixes=header.get("prefixes"),
                custom_functions=search.functions(self.score) if self.score is not None else None,
            )
        except SyntaxError as exc:
            raise QuerySyntaxError(syntax_errors.readable(str(exc), text, header.get("prefixes"))) from exc
        media: dict[str, str | None] = header.get("media") or {}
        max_rows = header.get("max_rows")
        try:
            if isinstance(result, ox.QueryBoolean):
                chosen, kind = media.get("boolean"), "boolean"
                body, truncated = (boolean(result, chosen), False) if chosen else (b"", False)
            elif isinstance(result, ox.QueryTriples):
                chosen, kind = media.get("triples"), "triples"
                body, truncated = triples(result, chosen, max_rows) if chosen else (b"", False)
            else:
                chosen, kind = media.get("solutions"), "solutions"
                body, truncated = solutions(result, chosen, max_rows) if chosen else (b"", False)
        except (OSError, RuntimeError) as exc:
            raise BackendError(str(exc)) from exc
        if chosen is None:
            raise NotAcceptable(f"a {kind} result cannot be sent in any accepted media type")
        return {"ok": True, "kind": kind, "media_type": chosen, "truncated": truncated}, body

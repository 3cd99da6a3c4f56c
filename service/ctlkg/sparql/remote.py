"""The remote backend: any SPARQL 1.1 Protocol engine reached over HTTP with httpx.

Results come back as SPARQL JSON or N-Triples and are parsed into pyoxigraph terms, so callers see
the same rows and triples as with the embedded store, and /sparql writes them in any format.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import httpx
import pyoxigraph as ox

from ctlkg.errors import BackendError, QuerySyntaxError, UpstreamTimeout
from ctlkg.rdf import namespaces
from ctlkg.sparql import lexer, replicas, syntax_errors, virtuoso

# The Backend protocol's types: the three backends (embedded, remote, engine.fenced) import the same names.
from ctlkg.sparql.backend import (
    ALL_GRAPHS,
    Bindings,
    Boolean,
    Dataset,
    Limits,
    Result,
    Row,
    Solutions,
    Triples,
    default_graph_iris,
    replacing_update,
    row,
)
from ctlkg.sparql.virtuoso import Dialect

log = logging.getLogger(__name__)

#: What we ask the engine for: one type per kind, so any answer parses with pyoxigraph.
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
#: Virtuoso serialises a graph as SPARQL JSON results when that comes first: a graph is asked for alone.
_ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.8"
_GRAPH_FORMS = frozenset({"CONSTRUCT", "DESCRIBE"})
#: The form is the first word after the prologue: our own prologue is some hundred tokens.
_FORM_WITHIN = 1_000
#: Our prefixes on one line before internal queries, so line numbers in errors move by one only.
_PROLOGUE = " ".join(f"PREFIX {p}: {ox.NamedNode(iri)}" for p, iri in namespaces.PREFIXES.items()) + "\n"


def bind(query: str, bindings: Bindings) -> str:
    """The query with its variables bound the way Oxigraph's substitutions bind them: a VALUES block
    first in the WHERE group (a trailing VALUES, the fallback, would join only after aggregation).
    Terms are written by pyoxigraph's serializer, never pasted from user text.
    """
    names = " ".join(str(ox.Variable(name)) for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({terms}) }} "
    at = lexer.where_opening(query)
    return query + "\n" + block if at is None else query[:at] + block + query[at:]


def _parse(response: httpx.Response) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    results_format = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    body = virtuoso.plain_blank_nodes(response)
    try:
        if results_format is not None:
            return ox.parse_query_results(body, format=results_format)
        rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
        if rdf_format is None:
            raise BackendError(f"the endpoint answered in an unknown media type: {media_type or 'none'}")
        quads = ox.parse(body, format=rdf_format)
        return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except SyntaxError as exc:
        raise BackendError(f"the endpoint's answer does not parse: {exc}") from exc


class RemoteBackend:
    """Queries go to ``endpoint``, writes (replacing whole graphs) to ``update_endpoint``.

    The engine's dialect is taken from its first answer unless given: Virtuoso is written to in its own way
    and told the time limit, so it stops a query itself (``ctlkg.sparql.virtuoso``).
    """

    name = "remote"

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        *,
        timeout: float = 30.0,
        client: httpx.Client | None = None,
        dialect: Dialect | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self.dialect = dialect
        self._timeout = timeout
        #: The stamp of this service's last write, which its StampWatch does not count as another's.
        self.written_stamp: str | None = None
        self._client = client or httpx.Client(headers={"User-Agent": "ctlkg"})

    def _post(
        self, url: str, form: Mapping[str, str | list[str]], *, timeout: float, original: str | None = None
    ) -> httpx.Response:
        # Clients are told what went wrong, not where: the engine's URL is for the log only.
        text = form.get("query")
        graph = isinstance(text, str) and lexer.outline(text, max_tokens=_FORM_WITHIN).form in _GRAPH_FORMS
        accept = _ACCEPT_GRAPH if graph else _ACCEPT
        try:
            response = self._client.post(url, data=dict(form), headers={"Accept": accept}, timeout=timeout)
        except httpx.TimeoutException as exc:
            message = f"the SPARQL engine did not answer within the time limit of {timeout:g} s"
            raise UpstreamTimeout(message) from exc
        except httpx.HTTPError as exc:
            log.warning("cannot reach %s: %s", url, exc)
            raise BackendError("the SPARQL engine behind this service cannot be reached") from exc
        if self.dialect is None:
            self.dialect = virtuoso.detect(response)
        if response.status_code == 400:
            said = response.text.strip() or "the SPARQL engine refused the request"
            sent = form.get("query") or form.get("update") or ""
            text = original if original is not None else sent if isinstance(sent, str) else ""
            if self.dialect is Dialect.VIRTUOSO:
                said = virtuoso.syntax_message(said, text if "query" in form else "")
            raise QuerySyntaxError(syntax_errors.readable(said, text))
        if response.status_code in (503, 504):
            raise UpstreamTimeout(f"the SPARQL engine answered {response.status_code} (over its time limit?)")
        if response.is_error:
            first = response.text.strip().splitlines()[:1]
            log.warning("%s answered %d: %s", url, response.status_code, first[0] if first else "")
            raise BackendError(f"the SPARQL engine answered {response.status_code}")
        virtuoso.check_complete(response)
        return response

    def _query(
        self, query: str, dataset: Dataset, timeout: float | None = None, *, original: str | None = None
    ) -> httpx.Response:
        """``original``: the client's text, when ``query`` is it rewritten for the engine (error messages
        speak of what the client sent)."""
        form: dict[str, str | list[str]] = {"query": query}
        if dataset.default_graphs is not None:
            form["default-graph-uri"] = list(dataset.default_graphs)
        if dataset.named_graphs is not None:
            form["named-graph-uri"] = list(dataset.named_graphs)
        seconds = timeout or self._timeout
        if self.dialect is Dialect.VIRTUOSO:
            # In milliseconds; past it Virtuoso answers what it has with X-SQL-State S1TAT (refused above),
            # and the client waits a little longer to hear that rather than hang up first.
            form["timeout"] = str(max(1, int(seconds * 1000)))
            seconds += 1
        return self._post(self.endpoint, form, timeout=seconds, original=original)

    def _ours(self, query: str, inferred: bool, bindings: Bindings | None) -> object:
        text = _PROLOGUE + (bind(query, bindings) if bindings else query)
        dataset = Dataset(default_graph_iris(inferred=inferred), ALL_GRAPHS)
        return _parse(self._query(text, dataset))

    def _row(self, solution: ox.QuerySolution, names: list[str], *, ours: bool) -> Row:
        found = row(solution, names)
        return virtuoso.canonical(found, drop_empty=ours) if self.dialect is Dialect.VIRTUOSO else found

    def select(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> list[Row]:
        result = self._ours(query, inferred, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise QuerySyntaxError("expected a SELECT query")
        names = [v.value for v in result.variables]
        try:  # the solutions parse as they are read
            found = [self._row(s, names, ours=True) for s in result]
        except SyntaxError as exc:
            raise BackendError(f"the endpoint's answer does not parse: {exc}") from exc
        if bindings and self.dialect is Dialect.VIRTUOSO:
            # A bound variable holds what was bound: Virtuoso hands `true` back as the integer 1.
            found = [{**r, **{k: v for k, v in bindings.items() if k in r}} for r in found]
        return found

    def construct(
        self, query: str, *, inferred: bool = True, bindings: Bindings | None = None
    ) -> list[ox.Triple]:
        result = self._ours(query, inferred, bindings)
        if not isinstance(result, list):
            raise QuerySyntaxError("expected a CONSTRUCT or DESCRIBE query")
        return result

    def ask(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> bool:
        result = self._ours(query, inferred, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise QuerySyntaxError("expected an ASK query")
        return bool(result)

    def run(self, query: str, *, dataset: Dataset, limits: Limits, base_iri: str | None = None) -> Result:
        # base_iri is not sent: the engine resolves relative IRIs against its own endpoint (Virtuoso, which
        # does not, is given a BASE).
        names_dataset = lexer.outline(query).names_dataset
        if not dataset.given and not names_dataset:
            dataset = Dataset(default_graph_iris(), ALL_GRAPHS)
        if self.dialect is None:
            self.ask("ASK {}")  # the first answer names the engine
        text = query
        if self.dialect is Dialect.VIRTUOSO:
            text = virtuoso.without_from(text) if dataset.given and names_dataset else text
            text = virtuoso.with_base(text, base_iri) if base_iri else text
        result = _parse(self._query(text, dataset, limits.timeout, original=query))
        if isinstance(result, ox.QueryBoolean):
            return Boolean(bool(result))
        if isinstance(result, list):
            return Triples(result[: limits.max_rows], len(result) > limits.max_rows)
        names = [v.value for v in result.variables]
        rows: list[Row] = []
        try:  # the solutions parse as they are read
            for solution in result:
                if len(rows) == limits.max_rows:
                    return Solutions(names, rows, truncated=True)
                rows.append(self._row(solution, names, ours=False))
        except SyntaxError as exc:
            raise BackendError(f"the endpoint's answer does not parse: {exc}") from exc
        return Solutions(names, rows)

    def graph(self, iri: str) -> list[ox.Triple]:
        result = _parse(self._query("CONSTRUCT WHERE { ?s ?p ?o }", Dataset((iri,), ())))
        if not isinstance(result, list):
            raise BackendError("the endpoint answered a CONSTRUCT with query results")
        return result

    def replace_graphs(self, graphs: Mapping[str, list[ox.Triple]]) -> None:
        if self.update_endpoint is None:
            raise BackendError("no update endpoint is configured (--update-endpoint)")
        if self.dialect is None:
            self.ask("ASK {}")  # the first answer names the engine
        write = virtuoso.replacing_update if self.dialect is Dialect.VIRTUOSO else replacing_update
        # A new stamp in the same update: the other services on this engine see the write (sparql.replicas).
        stamp = replicas.new_stamp()
        form = {"update": write({**graphs, **replicas.stamp_graph(stamp)})}
        self.written_stamp = stamp  # before the engine has it, so the watch never takes it for another's
        self._post(self.update_endpoint, form, timeout=max(self._timeout, 120))

    def stamp(self) -> str | None:
        """The engine's data stamp (None before any write through a service): what StampWatch reads."""
        result = _parse(self._query(replicas.STAMP_QUERY, Dataset((), (replicas.STAMP_GRAPH,))))
        if not isinstance(result, ox.QuerySolutions):
            raise BackendError("the endpoint answered a SELECT with something else")
        found = [solution["stamp"] for solution in result]
        return found[0].value if found else None

    def close(self) -> None:
        self._client.close()

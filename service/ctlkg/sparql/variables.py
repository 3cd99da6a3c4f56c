"""Which variables a SELECT query reads, which it binds, and which it returns: read from its syntax tree.

A variable that the query reads (in a FILTER, an expression, a projection) but that no pattern, VALUES,
BIND or alias can ever bind has only one way to get a value: from outside, as a parameter. Finding them
is how a forgotten parameter declaration is caught before the query silently answers nothing.

Bound values reach only the top-level group: Oxigraph substitutes them there (SEP-0007), a remote
engine gets them as a VALUES block opening that group, and both are evaluated after the inner groups
(sub-SELECTs, UNION branches, GRAPH blocks, what an OPTIONAL nests). So ``nested`` lists the variables
used in such places, where a parameter would silently be unbound.

>>> usage = analyse("SELECT ?s ?lang WHERE { ?s ?p ?o FILTER(LANG(?o) = ?lang) }")
>>> sorted(usage.free), usage.columns
(['lang'], ('s', 'lang'))
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable


@dataclass(frozen=True)
class Usage:
    """The variables of one query by role; names are without the leading '?'."""

    used: frozenset[str]
    bound: frozenset[str]
    #: Variables used where a bound value does not reach (see the module's docstring).
    nested: frozenset[str]
    #: The top-level SELECT's variables, in order (plain and `AS` ones).
    columns: tuple[str, ...]

    @property
    def free(self) -> frozenset[str]:
        return self.used - self.bound


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, CompValue):
        yield from node.values()
    elif isinstance(node, ParseResults | list | tuple):
        yield from node


def _variables(node: Any) -> Iterator[str]:
    if isinstance(node, Variable):
        yield str(node)
    for child in _children(node):
        yield from _variables(child)


def _field(node: CompValue, key: str) -> Any:
    # CompValue.get answers the key itself when it is missing, so read it as the plain dict it is.
    return dict.get(node, key)


#: Where a node names the variable it binds: BIND(... AS ?v), GROUP BY (... AS ?v), SELECT (... AS ?v).
_BINDING_KEY = {"Bind": "var", "GroupAs": "var", "vars": "evar"}


def _bound(node: Any) -> Iterator[str]:
    """Variables given values by the parts of the query that bind: patterns, VALUES, BIND, aliases, GRAPH."""
    if isinstance(node, CompValue):
        if node.name == "TriplesBlock":
            yield from _variables(_field(node, "triples"))
            return
        if node.name.startswith("InlineData"):
            yield from _variables(_field(node, "var"))
        if node.name in _BINDING_KEY and isinstance(_field(node, _BINDING_KEY[node.name]), Variable):
            yield str(_field(node, _BINDING_KEY[node.name]))
        graph = _field(node, "term") if node.name in ("GraphGraphPattern", "ServiceGraphPattern") else None
        if isinstance(graph, Variable):
            yield str(graph)
    for child in _children(node):
        yield from _bound(child)


#: Parts of a group evaluated with the group's own solutions, so a value bound to the group reaches them.
_FLAT = {"TriplesBlock", "Filter", "Bind", "InlineData"}


def _unreached(part: CompValue) -> Iterator[str]:
    """Variables an inner part reads without binding them itself: a value bound to the outer group
    would not reach them. A sub-SELECT must also return a variable for an outer value to restrict it."""
    inner = set(_variables(part))
    yield from inner - set(_bound(part))
    if part.name == "SubSelect":
        projection = _field(part, "projection") or ()
        yield from inner - {str(_field(v, "evar") or _field(v, "var")) for v in projection}


def _nested(where: Any) -> Iterator[str]:
    """Variables the top-level group's inner parts (sub-SELECTs, UNION branches, GRAPH blocks, what an
    OPTIONAL nests) read without a value bound to the top-level group reaching them."""
    for part in _field(where, "part") or ():
        if not isinstance(part, CompValue) or part.name in _FLAT:
            continue
        if part.name == "OptionalGraphPattern":
            # The OPTIONAL's own FILTERs test the joined solution; its patterns join; deeper parts do not.
            for inner in _field(_field(part, "graph"), "part") or ():
                if isinstance(inner, CompValue) and inner.name not in ("TriplesBlock", "Filter"):
                    yield from _unreached(inner)
            continue
        if part.name == "GroupOrUnionGraphPattern":
            for branch in _field(part, "graph") or ():
                yield from _unreached(branch)
            continue
        yield from _unreached(part)


def analyse(text: str) -> Usage:
    """The variables of a SELECT query; ValueError when the text is not a SELECT or does not parse."""
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        raise ValueError(f"the query does not parse: {exc}") from exc
    query = tree[-1]
    if not isinstance(query, CompValue) or query.name != "SelectQuery":
        raise ValueError("a named query must be a SELECT query")
    projection = _field(query, "projection")
    if not projection:
        raise ValueError("a named query must list its columns (SELECT * is not allowed)")
    columns = tuple(str(_field(v, "evar") or _field(v, "var")) for v in projection)
    # A plain projected variable is read, not bound: `SELECT ?x` binds nothing by itself.
    return Usage(used=frozenset(_variables(query)), bound=frozenset(_bound(query)), columns=columns,
                 nested=frozenset(_nested(_field(query, "where"))))

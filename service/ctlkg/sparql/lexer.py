"""A small SPARQL lexer: enough to tell a query from an update and to find SERVICE, LOAD and FROM
before anything runs, without trusting words hidden in strings, IRIs, comments or prefixed names.

The engine still parses the text for real; this only decides what we refuse or how we route.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<bnode>_:[\w.\-]*)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:[\w\-:%.]|\\.)*)
    | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
    | (?P<word>[^\W\d][\w]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_OPENING, _CLOSING, _UNARY = frozenset("{(["), frozenset("})]"), frozenset("!+-")
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
#: Words that may come before the form: BASE, PREFIX, and SPARQL 1.2's VERSION (which Oxigraph reads).
PROLOGUE = frozenset({"BASE", "PREFIX", "VERSION"})
UPDATE_OPERATIONS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


@dataclass(frozen=True)
class Outline:
    """What the text is, as far as its words tell: its form and the features we police."""

    #: SELECT, CONSTRUCT, DESCRIBE, ASK, or the first update operation; None when no keyword leads.
    form: str | None
    #: SERVICE targets as absolute IRIs; a variable target is kept as "?name". SERVICE SILENT ones too.
    services: tuple[str, ...] = field(default_factory=tuple)
    #: The targets of SERVICE SILENT (also in ``services``): a refused call yields one empty solution.
    silent_services: tuple[str, ...] = field(default_factory=tuple)
    #: Whether a LOAD operation appears anywhere (only possible in an update).
    loads: bool = False
    #: Whether the text names its own dataset (FROM / FROM NAMED, or USING / WITH in an update).
    names_dataset: bool = False
    #: The deepest nesting of brackets ({, ( and [) and chained unary operators (!!!x): engines parse
    #: and evaluate recursively, so this is policed too.
    depth: int = 0
    #: How many tokens were read; reading stops early past ``outline(max_tokens=...)``.
    size: int = 0

    @property
    def is_update(self) -> bool:
        return self.form in UPDATE_OPERATIONS

    @property
    def is_query(self) -> bool:
        return self.form in QUERY_FORMS


#: Tokens after which ``<`` inside parentheses is the less-than operator, not the start of an IRI:
#: ``FILTER(?a<?b)``, ``BIND((1<'>') AS ?z)``. The engine's grammar decides by context; so do we.
_OPERAND_END = frozenset({"var", "number", "string", "lang", "close"})


def tokens(text: str, limit: int | None = None) -> list[tuple[str, str, int]]:
    """The significant tokens as (kind, text, offset); spaces and comments dropped; at most
    ``limit + 1`` of them when a limit is given (enough to tell that there are too many).

    The scan runs in the regex engine (``finditer``); it restarts only where a ``<`` read as an IRI turns
    out to be the less-than operator, which is rare."""
    found: list[tuple[str, str, int]] = []
    parens = 0
    previous = ""
    position, end = 0, len(text)
    while position < end:
        restart = None
        for match in _TOKEN.finditer(text, position):
            kind = match.lastgroup or "other"
            if kind == "space" or kind == "comment":
                continue
            value = match.group()
            if kind == "iri" and parens > 0 and previous in _OPERAND_END:
                kind, value = "other", "<"
                restart = match.start() + 1
            elif value == "(":
                parens += 1
            elif value == ")":
                parens = max(parens - 1, 0)
            previous = "close" if value in (")", "]") else kind
            found.append((kind, value, match.start()))
            if limit is not None and len(found) > limit:
                return found
            if restart is not None:
                break
        if restart is None:
            break
        position = restart
    return found


def where_opening(text: str) -> int | None:
    """The offset just inside the outermost WHERE group (``{``), where a VALUES block can go first;
    None for a CONSTRUCT WHERE short form or a DESCRIBE without WHERE, which have no such place.
    """
    toks = tokens(text)
    words = [(i, t[1].upper()) for i, t in enumerate(toks) if t[0] == "word"]
    form = next((w for _, w in words if w not in PROLOGUE), None)
    start = 0
    if form == "CONSTRUCT":
        where = next((i for i, w in words if w == "WHERE"), None)
        if where is None or (where > 0 and toks[where - 1][1].upper() == "CONSTRUCT"):
            return None
        start = where
    opening = next((t for t in toks[start:] if t[0] == "other" and t[1] == "{"), None)
    return None if opening is None else opening[2] + 1


def _expand(kind: str, value: str, prefixes: Mapping[str, str]) -> str:
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local.replace("\\", "")
    return value


def outline(
    text: str, *, prefixes: Mapping[str, str] | None = None, max_tokens: int | None = None
) -> Outline:
    """Outline a query or update; ``prefixes`` are those the engine will assume besides declared ones.

    With ``max_tokens``, reading stops one token past it: the outline is then incomplete, and its
    ``size`` says the text is to be refused as too long before anything else is looked at.
    """
    declared = dict(prefixes or {})
    toks = tokens(text, max_tokens)
    form: str | None = None
    services: list[str] = []
    silent: list[str] = []
    loads = names_dataset = False
    depth = deepest = unary = 0
    for index, (kind, value, _) in enumerate(toks):
        unary = unary + 1 if kind == "other" and value in _UNARY else 0
        if kind == "other" and value in _OPENING:
            depth += 1
        elif kind == "other" and value in _CLOSING:
            depth = max(depth - 1, 0)
        deepest = max(deepest, depth + unary)
        if kind != "word":
            continue
        word = value.upper()
        if word == "PREFIX" or word == "SERVICE":
            following = [(k, v) for k, v, _ in toks[index + 1 : index + 4]]
        if word == "PREFIX" and len(following) >= 2 and following[0][0] == "pname":
            if following[1][0] == "iri":
                declared[following[0][1].rstrip(":")] = following[1][1][1:-1]
        elif form is None and word not in PROLOGUE:
            # No early exit when the first word is unknown: SERVICE and LOAD are looked for in the
            # whole text, so a prologue the engine knows and we do not cannot hide them.
            form = word if word in QUERY_FORMS | UPDATE_OPERATIONS else ""
        if word == "SERVICE":
            target = [t for t in following if not (t[0] == "word" and t[1].upper() == "SILENT")]
            services.append(_expand(*target[0], declared) if target else "")
            if following and following[0][0] == "word" and following[0][1].upper() == "SILENT":
                silent.append(services[-1])
        elif word == "LOAD":
            loads = True
        elif word in ("FROM", "USING", "WITH"):
            names_dataset = True
    return Outline(form or None, tuple(services), tuple(silent), loads, names_dataset, deepest, len(toks))

"""The engine's syntax errors in words a person reads: where, the text there, what could come instead.

Oxigraph's parser says ``error at 1:30: expected one of Prefix not found, ['%'], ['-' | '0' ..= '9' |
'\\u{00B7}' ...`` : its grammar's character classes, Unicode ranges included. Here the position becomes a
line and column (the furthest place the parser reached, often the end of the text), the text there is
quoted, character classes are dropped from the list of what was expected, and an undeclared prefix is named,
with the PREFIX line that would declare it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_AT = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
#: One item of the parser's "expected one of" list: a quoted token, a bare word, or a bracketed class.
_ITEM = re.compile(r"\"(?:[^\"\\]|\\.)*\"|\[[^\]]*\]|[^,\s][^,]*")
_PNAME_BEFORE = re.compile(r"([A-Za-z][\w.\-]*)?:[\w.\-]*$")
MOST = 8


def _expected(listing: str) -> list[str]:
    """The tokens a person could type, without the grammar's character classes."""
    words = []
    for item in _ITEM.findall(listing):
        item = item.strip()
        if not item or item.startswith("[") or item == "Prefix not found":
            continue
        words.append(item.replace('\\"', '"').replace("\\\\", "\\"))
    return words


def _found(text: str, line: int, column: int) -> str:
    """A few characters of the text where the parser stopped, from the start of the word it stopped in."""
    lines = text.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return ""
    current, start = lines[line - 1], max(column - 1, 0)
    while 0 < start <= len(current) and (current[start - 1].isalnum() or current[start - 1] in "_:?$-."):
        start -= 1
    rest = current[start:].strip()
    return rest[:20] + ("…" if len(rest) > 20 else "")


def readable(message: str, text: str, known: Mapping[str, str] | None = None) -> str:
    """The parser's ``message`` about ``text`` in words; unchanged when it is not Oxigraph's shape.

    >>> readable("error at 1:30: expected one of Prefix not found, ['%'], ['\\\\u{00B7}']",
    ...          "SELECT * WHERE { ?s a foo:Bar }")
    'line 1, column 30: the prefix foo: is not declared; add PREFIX foo: <...> before the query'
    >>> readable('error at 1:25: expected one of LATERAL, SERVICE, [_]', "SELECT * WHERE { ?s ?p }")
    'line 1, column 25 (the end of the text): expected one of LATERAL, SERVICE'
    >>> readable("error at 1:24: expected one of HAVING, OFFSET, VALUES, [_]", "ASK { ?s ?p ?o } garbage")
    'line 1, column 24, at "garbage": expected one of HAVING, OFFSET, VALUES'
    """
    matched = _AT.match(message.strip())
    if matched is None:
        return message
    line, column, detail = int(matched.group(1)), int(matched.group(2)), matched.group(3)
    where = f"line {line}, column {column}"
    if "Prefix not found" in detail:
        lines = text.splitlines()
        before = lines[line - 1][: max(column - 1, 0)] if 1 <= line <= len(lines) else ""
        name = _PNAME_BEFORE.search(before)
        prefix = (name.group(1) or "") if name else ""
        hint = f"; known without a declaration: {', '.join(sorted(known))}" if known else ""
        return (f"{where}: the prefix {prefix}: is not declared; add PREFIX {prefix}: <...> before the "
                f"query{hint}")
    # The parser names the furthest place it reached, often the end of the text, not the first mistake.
    found = _found(text, line, column)
    where += f', at "{found}"' if found else " (the end of the text)"
    listing = detail.removeprefix("expected one of ").removeprefix("expected ")
    words = _expected(listing)
    if not words:
        return f"{where}: the text does not parse as SPARQL"
    more = f" and {len(words) - MOST} more" if len(words) > MOST else ""
    return f"{where}: expected {'one of ' if len(words) > 1 else ''}{', '.join(words[:MOST])}{more}"

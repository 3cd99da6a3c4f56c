"""The dumps index as a page for people: every file with its format, size, checksum and date, what the two
kinds of dump hold, and the licence. ``web.api.dumps`` calls ``render`` for a browser; scripts get JSON."""

from __future__ import annotations

from babel.numbers import format_decimal
from starlette.requests import Request
from starlette.responses import HTMLResponse

from ctlkg.web.html import templating

LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def size(count: int, lang: str) -> str:
    """Bytes as people read them, in the reader's number format.

    >>> size(950, "en"), size(123_456, "it"), size(5_300_000, "en")
    ('950 B', '120,6 kB', '5.1 MB')
    """
    for unit, scale in (("MB", 1 << 20), ("kB", 1 << 10)):
        if count >= scale:
            return f"{format_decimal(round(count / scale, 1), format='#,##0.0', locale=lang)} {unit}"
    return f"{count} B"


def render(request: Request, items: list[dict[str, object]], counts: dict[str, int]) -> HTMLResponse:
    lang = templating.choose_lang(request)
    rows = [{**item, "size": size(int(str(item["bytes"])), lang)} for item in items]
    shown = {kind: format_decimal(n, locale=lang) for kind, n in counts.items()}
    return templating.render(request, "dumps.html", {"rows": rows, "counts": shown, "licence": LICENCE},
                             lang=lang)

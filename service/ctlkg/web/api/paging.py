"""Pages of a long answer: an opaque cursor, the next page's address, and the headers that announce it.

A cursor carries the offset of the page's first row and the data version it was issued at, so a client
walking the pages of a listing is told (409) when a write has changed the listing under it, instead of
getting rows twice or missing some. It is opaque to clients (base64url), not a promise of its format.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from ctlkg.errors import Conflict, QueryRefused, shown

#: Rows a page holds unless the request asks for another number.
DEFAULT_PAGE_SIZE = 100
#: The most rows a page may hold; the whole set has a download of its own.
MAX_PAGE_SIZE = 10_000


class CursorError(QueryRefused):
    """A cursor that this service did not issue (HTTP 400)."""


@dataclass(frozen=True)
class Cursor:
    """Where a page starts, and the state of the data its listing was ranked from.

    >>> Cursor.parse(Cursor(200, 3).token(), 3)
    Cursor(offset=200, version=3)
    """

    offset: int
    version: int

    def token(self) -> str:
        raw = f"{self.version}.{self.offset}".encode("ascii")
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    @classmethod
    def parse(cls, token: str | None, version: int) -> Cursor:
        """The cursor of ``token`` (the first page when None); 400 when it is not one of ours, 409 when the
        data changed since it was issued."""
        if token is None or not token.strip():
            return cls(0, version)
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
            seen, offset = (int(part) for part in raw.split("."))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise CursorError(f"cursor {shown(token)} is not one this service issued; "
                              "follow the 'next' link of a page") from None
        if offset < 0 or seen < 0:
            raise CursorError(f"cursor {shown(token)} is not one this service issued")
        if seen != version:
            raise Conflict("the data changed since this cursor was issued: start again from the first page")
        return cls(offset, seen)


def next_link(path: str, params: Mapping[str, str | None], cursor: Cursor) -> str:
    """The address of the page at ``cursor``, with the request's other parameters kept."""
    kept = {k: v for k, v in params.items() if v is not None and k != "cursor"}
    return f"{path}?{urlencode({**kept, 'cursor': cursor.token()})}"


def link_header(url: str) -> dict[str, str]:
    """RFC 8288's Link header for the next page, as GitHub's and many other APIs send it."""
    return {"Link": f'<{url}>; rel="next"'}

"""The service's public base URL, for the links it writes (service description, VoID, dump index)."""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request

from ctlkg.config import Settings
from ctlkg.errors import QueryRefused


def public_base(request: Request, settings: Settings) -> str:
    """The configured base (behind a proxy), else the URL the request reached; always ending in '/'.

    A Host header that makes no valid IRI is the client's mistake (400), not a crash later on.
    """
    base = settings.base_url or str(request.base_url)
    base = base if base.endswith("/") else base + "/"
    try:
        ox.NamedNode(base)
    except ValueError as exc:
        raise QueryRefused(f"the Host header does not make a valid URL: {exc}") from exc
    return base

"""The service's public base URL, for the links it writes (service description, VoID, dump index)."""

from __future__ import annotations

import functools

import pyoxigraph as ox
from starlette.requests import Request

from ctlkg.config import Settings
from ctlkg.errors import QueryRefused


def public_base(request: Request, settings: Settings) -> str:
    """The configured base (behind a proxy), else the URL the request reached; always ending in '/'.

    A Host header that makes no valid IRI is the client's mistake (400), not a crash later on.
    """
    base = settings.base_url or str(request.base_url)
    return _checked(base if base.endswith("/") else base + "/")


@functools.lru_cache(maxsize=64)
def _checked(base: str) -> str:
    """The base, once known to be an IRI (a server sees the same few hosts; a refused one is not kept)."""
    try:
        ox.NamedNode(base)
    except ValueError as exc:
        raise QueryRefused(f"the Host header does not make a valid URL: {exc}") from exc
    return base

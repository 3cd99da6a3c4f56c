"""FastAPI dependencies: routers get the backend and settings that create_app put on app.state, never globals.

A page handler declares ``backend: Annotated[Backend, Depends(get_backend)]``; tests can swap either
with ``app.dependency_overrides``.
"""

from __future__ import annotations

from typing import cast

from starlette.requests import Request

from ctlkg.backend import Backend
from ctlkg.config import Settings


def get_backend(request: Request) -> Backend:
    return cast(Backend, request.app.state.backend)


def get_settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def public_base(request: Request, settings: Settings) -> str:
    """The service's public base URL, ending in '/': the configured one, else what the request reached."""
    base = settings.base_url or str(request.base_url)
    return base if base.endswith("/") else base + "/"

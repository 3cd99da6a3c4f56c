"""The static files: served by Starlette's StaticFiles (ETag, Last-Modified, 304), cached by their names.

``make web`` bundles the page scripts under content-hashed names into ``static/dist/`` and lists them
in ``static/dist/manifest.json`` (service/web/build.mjs). A hashed name never changes content, so it is
cached for a year; the pages ask ``Manifest.script("query")`` for the name of the day. Every other file
(style.css, the favicon) is kept briefly and then revalidated with its ETag, so a release shows at once.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, PathLike, StaticFiles
from starlette.types import Scope

from ctlkg.errors import NotFound

STATIC_DIR = Path(__file__).parent / "static"
DIST = "dist"
MANIFEST = STATIC_DIR / DIST / "manifest.json"

#: A hashed bundle: its name changes whenever its content does.
IMMUTABLE = "public, max-age=31536000, immutable"
#: Anything else: a few minutes, then a conditional request (a 304 when the ETag still matches).
REVALIDATE = "public, max-age=300, must-revalidate"


@dataclass(frozen=True)
class Script:
    """A page's entry module, the chunks it imports at once (worth a modulepreload), and the styles it
    brings (the docs page's Swagger UI), if any."""

    url: str
    imports: tuple[str, ...] = ()
    css: str | None = None


@dataclass
class Manifest:
    """What esbuild wrote, read again whenever the file changes (a rebuild under a running server)."""

    path: Path = MANIFEST
    _stamp: float | None = field(default=None, init=False)
    _entries: dict[str, Script] = field(default_factory=dict, init=False)
    _hashed: frozenset[str] = field(default=frozenset(), init=False)

    def _load(self) -> None:
        try:
            stamp = self.path.stat().st_mtime
        except OSError:  # not built (`make web`): the pages say the charts are missing, the form still works
            self._stamp, self._entries, self._hashed = None, {}, frozenset()
            return
        if stamp == self._stamp:
            return
        data = json.loads(self.path.read_text(encoding="utf-8"))

        def url(name: str) -> str:
            return f"/static/{DIST}/{name}"

        self._entries = {
            name: Script(url(entry["file"]), tuple(url(i) for i in entry.get("imports", ())),
                         url(entry["css"]) if entry.get("css") else None)
            for name, entry in data.get("entries", {}).items()
        }
        self._hashed = frozenset(f"{DIST}/{name}" for name in data.get("files", ()))
        self._stamp = stamp

    def script(self, entry: str) -> Script | None:
        """The bundle of a page (``query``, ``network``, ``matrices``, ``docs``); None when not built."""
        self._load()
        return self._entries.get(entry)

    def is_hashed(self, relative: str) -> bool:
        """Whether a path under ``static/`` is one of the bundles named by their content."""
        self._load()
        return relative in self._hashed


MANIFEST_CACHE = Manifest()
_UTF8_TEXT = {
    "application/javascript": "text/javascript; charset=utf-8",
    "text/javascript": "text/javascript; charset=utf-8",
    "text/css": "text/css; charset=utf-8",
}


class Static(StaticFiles):
    """StaticFiles with our cache lifetimes and our JSON 404 (nothing outside the folder)."""

    def __init__(self, directory: Path = STATIC_DIR, manifest: Manifest = MANIFEST_CACHE) -> None:
        super().__init__(directory=directory)
        self.manifest = manifest

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            # 401 is what StaticFiles says for an unreadable file: to a client it is just not there.
            if exc.status_code in (401, 404):
                raise NotFound("no such static file; the pages link to every one there is") from None
            raise

    def file_response(
        self, full_path: PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        relative = Path(full_path).relative_to(Path(str(self.directory)).resolve()).as_posix()
        cache = IMMUTABLE if self.manifest.is_hashed(relative) else REVALIDATE
        headers = {"Cache-Control": cache}  # nosniff and the rest: ctlkg.web.middleware.SecurityHeaders
        response = FileResponse(full_path, status_code=status_code, stat_result=stat_result, headers=headers)
        text = _UTF8_TEXT.get(response.media_type or "")
        if text:  # the system's MIME table may say application/javascript, and without a charset
            response.headers["content-type"] = text
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response

"""Typed errors: each says what went wrong in one line a person can act on.

The classes below repeat one shape on purpose (a docstring and a ``status_code``): one class per kind of
failure, so callers catch what they mean and the service's error handler reads the status from the class.
"""

from __future__ import annotations


class CtlkgError(Exception):
    """Base of every error this package raises on purpose."""

    #: The HTTP status the service answers with; 500 (logged, with a generic message) for the errors that
    #: only the command line or the build should meet.
    status_code = 500


class SourceError(CtlkgError):
    """A data, ontology or shapes file is missing or cannot be parsed."""


class ValidationFailed(CtlkgError):
    """The data breaks one or more SHACL shapes (violations, not warnings)."""

    status_code = 422


class QuerySyntaxError(CtlkgError):
    """A SPARQL query or update does not parse; the message is the parser's."""

    status_code = 400


class StoreError(CtlkgError):
    """A store directory cannot be opened or written."""


class QueryRefused(CtlkgError):
    """A request this service will not run: an update at /sparql, SERVICE, LOAD, a bad parameter."""

    status_code = 400


class QueryTimeout(CtlkgError):
    """A query ran past its time limit, or waited too long for a free slot."""

    status_code = 503

    #: Said in the error body, so a client can tell why without parsing the message.
    reason = "timeout"


class ServerBusy(QueryTimeout):
    """Every slot stayed busy, or a long query found the long-query lane full."""

    reason = "busy"


class QueryOutOfMemory(CtlkgError):
    """A query needed more memory than a worker, or the whole service, may use; its worker was stopped."""

    status_code = 503

    reason = "memory"


class EngineCrashed(CtlkgError):
    """The engine's worker process died on a query (a stack overflow, say); the service goes on."""

    status_code = 503

    reason = "crash"


class BackendError(CtlkgError):
    """The remote SPARQL engine failed or could not be reached."""

    status_code = 502


class WriteRefused(CtlkgError):
    """An update would leave the data breaking a shape; carries the validation report's JSON."""

    status_code = 422

    def __init__(self, message: str, report: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.report = report


class ConfigError(CtlkgError):
    """A setting in the config file, the environment or on the command line has a bad value."""


class UpstreamTimeout(QueryTimeout):
    """The remote SPARQL engine did not answer in time (a gateway timeout, not ours)."""

    status_code = 504


class NotAcceptable(CtlkgError):
    """None of the media types the client accepts can carry this answer."""

    status_code = 406


class UnsupportedMediaType(CtlkgError):
    """The request body is in a media type (or charset) this operation does not take."""

    status_code = 415


class RequestTooLarge(CtlkgError):
    """The request body is over the configured size limit."""

    status_code = 413


class NotAuthenticated(CtlkgError):
    """A write came without the bearer token the server expects."""

    status_code = 401


class Forbidden(CtlkgError):
    """The request is understood and authenticated but not allowed here (e.g. a write to the ontology)."""

    status_code = 403


class NotFound(CtlkgError):
    """Nothing is served at this path (an unknown dump file name, say)."""

    status_code = 404


class Conflict(CtlkgError):
    """The request depends on a state of the data that has since changed (a stale page cursor)."""

    status_code = 409


#: The most of a client's value an error message quotes: enough to recognise it, never a 5 kB echo.
SHOWN_CHARS = 200


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, marked with an ellipsis and its full length when cut, so a
    value a client sent can be echoed (in a message or a page) without echoing all of it."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def shown(value: str, limit: int = SHOWN_CHARS) -> str:
    """A client's value as an error message quotes it: repr'd, so control characters are visible, and
    clipped like ``clip``; the one place every echo of a request's value goes through."""
    return repr(value) if len(value) <= limit else f"{value[:limit] + '…'!r} ({len(value)} characters)"

"""Typed errors: each says what went wrong in one line a person can act on."""

from __future__ import annotations


class CtlkgError(Exception):
    """Base of every error this package raises on purpose."""


class SourceError(CtlkgError):
    """A data, ontology or shapes file is missing or cannot be parsed."""


class ValidationFailed(CtlkgError):
    """The data breaks one or more SHACL shapes (violations, not warnings)."""


class QuerySyntaxError(CtlkgError):
    """A SPARQL query or update does not parse; the message is the parser's."""


class StoreError(CtlkgError):
    """A store directory cannot be opened or written."""


class QueryRefused(CtlkgError):
    """A well-formed request this service will not run: an update at /sparql, SERVICE, LOAD, a bad parameter."""


class QueryTimeout(CtlkgError):
    """A query ran past its time limit, or waited too long for a free slot."""


class BackendError(CtlkgError):
    """The remote SPARQL engine failed or could not be reached."""


class WriteRefused(CtlkgError):
    """An update would leave the data breaking a shape; carries the validation report's JSON."""

    def __init__(self, message: str, report: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.report = report


class ConfigError(CtlkgError):
    """A setting in the config file, the environment or on the command line has a bad value."""

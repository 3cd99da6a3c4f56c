"""Service settings, read once: defaults, then a TOML file, then CTLKG_* environment variables, then flags."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ctlkg.errors import ConfigError


@dataclass(frozen=True)
class Settings:
    """Everything the server needs to start; frozen so no handler can change it under another."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: A store built by `ctlkg build --out DIR`; None compiles the shipped data into memory at start-up.
    store_dir: Path | None = None
    #: A remote SPARQL 1.1 query endpoint; when set, no embedded store is opened.
    endpoint: str | None = None
    update_endpoint: str | None = None
    #: Updates at /sparql/update are accepted only when this is set (Authorization: Bearer TOKEN).
    write_token: str | None = None
    query_timeout: float = 30.0
    max_rows: int = 10_000
    max_request_bytes: int = 1_000_000
    max_concurrent_queries: int = 4
    #: Deepest bracket nesting a query or update may have: the engines parse recursively, and a
    #: few thousand nested groups overflow a thread's stack and kill the process.
    max_query_depth: int = 100
    #: Most tokens (words, names, literals, punctuation) a query or update may have: long chains of
    #: UNION, || or FILTER build trees that engines walk recursively, and take time to plan.
    max_query_tokens: int = 10_000
    #: SERVICE endpoints a query may call; everything else is refused.
    service_allowlist: tuple[str, ...] = ()
    #: Public base of the service (e.g. https://kg.example.org/) for links; None uses the request's.
    base_url: str | None = None
    #: Bytes of answers kept for repeated read queries until the next write (0: keep none). Embedded
    #: store only: a remote engine may change behind the service's back.
    result_cache_bytes: int = 64_000_000
    #: Memory a query may add to its worker's (resident bytes, beyond the data it holds) before it is stopped.
    worker_memory_bytes: int = 300_000_000
    #: Memory the service's queries may add together (web process and workers, beyond the data they hold
    #: once started); past it the query that added the most is stopped.
    memory_budget_bytes: int = 1_000_000_000
    #: Queries running longer than ``long_query_seconds`` that may run at once; the other query slots stay
    #: free for short queries. At most ``max_concurrent_queries - 1``.
    max_long_queries: int = 2
    long_query_seconds: float = 0.5
    #: With --store-dir: copy the built store into each worker's memory (faster queries, more memory).
    in_memory: bool = False

    def __repr__(self) -> str:
        # The token must never reach a log line, even through a debug print of the settings.
        shown = dataclasses.replace(self, write_token="***" if self.write_token else None)
        fields = ", ".join(f"{f.name}={getattr(shown, f.name)!r}" for f in dataclasses.fields(self))
        return f"Settings({fields})"


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}
_PATHS = {"store_dir"}
_INTS = {"port", "max_rows", "max_request_bytes", "max_concurrent_queries", "max_query_depth",
         "max_query_tokens", "result_cache_bytes", "worker_memory_bytes", "memory_budget_bytes",
         "max_long_queries"}
#: Settings for which 0 is a meaningful value (off, or any free port).
_ZERO_OK = {"port", "result_cache_bytes"}
_FLOATS = {"query_timeout", "long_query_seconds"}
_BOOLS = {"in_memory"}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _coerce(name: str, value: Any, *, source: str) -> Any:
    """Turn a TOML value or an environment string into the field's type, or say which setting is wrong."""
    try:
        if value is None:
            return None
        if name in _PATHS:
            return Path(value)
        if name in _INTS:
            number = int(value)
            if number < (0 if name in _ZERO_OK else 1):
                raise ValueError("must be at least " + ("0" if name in _ZERO_OK else "1"))
            return number
        if name in _FLOATS:
            seconds = float(value)
            if seconds <= 0:
                raise ValueError("must be positive")
            return seconds
        if name in _BOOLS:
            if isinstance(value, bool):
                return value
            word = str(value).strip().lower()
            if word not in _TRUE | _FALSE:
                raise ValueError("expected true or false")
            return word in _TRUE
        if name == "service_allowlist":
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(str(item).strip() for item in items if str(item).strip())
        if not isinstance(value, str | int | float):
            raise ValueError("expected a string")
        return str(value) or None
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: bad value for {name}: {value!r} ({exc})") from exc


def _from_file(path: Path) -> dict[str, Any]:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    table = table.get("ctlkg", table)  # a [ctlkg] table, or keys at the top level
    unknown = sorted(set(table) - set(_FIELDS))
    if unknown:
        raise ConfigError(f"{path}: unknown settings: {', '.join(unknown)}")
    return {name: _coerce(name, value, source=str(path)) for name, value in table.items()}


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    values = {}
    for name in _FIELDS:
        key = "CTLKG_" + name.upper()
        if key in env:
            values[name] = _coerce(name, env[key], source=key)
    return values


def load_settings(
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Read the settings once; command-line overrides (None means "not given") win over everything."""
    values: dict[str, Any] = {}
    if config_file is not None:
        values.update(_from_file(config_file))
    values.update(_from_env(os.environ if env is None else env))
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _coerce(name, value, source="--" + name.replace("_", "-"))
    settings = Settings(**values)
    if settings.store_dir is not None and settings.endpoint is not None:
        raise ConfigError("give either a store directory or a remote endpoint, not both")
    if settings.update_endpoint is not None and settings.endpoint is None:
        raise ConfigError("an update endpoint needs a query endpoint (--endpoint)")
    return settings

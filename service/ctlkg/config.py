"""Service settings, read once: defaults, then a TOML file, then CTLKG_* environment variables, then flags.

pydantic-settings layers the sources and checks every value against its field's type and bounds, whatever
the source, so a setting can never silently stay a string; the error names where the bad value came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from ctlkg.errors import ConfigError

PREFIX = "CTLKG_"
#: What ``load_settings`` reads besides the flags: the TOML file, and the environment (a test's own).
_FILE: ContextVar[Path | None] = ContextVar("ctlkg_settings_file", default=None)
_ENVIRONMENT: ContextVar[Mapping[str, str] | None] = ContextVar("ctlkg_settings_environment", default=None)


class Settings(BaseSettings):
    """Everything the server needs to start; frozen so no handler can change it under another. The token
    is a SecretStr: it never reaches a log line, even through a debug print of the settings."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, frozen=True, extra="forbid")

    # One declaration per setting, in the same shape: pydantic-settings reads each one's type, bounds and
    # default from here, so the likeness of these lines is the table's, not repeated logic.
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    #: A store built by `ctlkg build --out DIR`; None compiles the shipped data into memory at start-up.
    store_dir: Path | None = None
    #: A remote SPARQL 1.1 query endpoint; when set, no embedded store is opened.
    endpoint: str | None = None
    update_endpoint: str | None = None
    #: Updates at /sparql/update are accepted only when this is set (Authorization: Bearer TOKEN).
    write_token: SecretStr | None = None
    query_timeout: float = Field(30.0, gt=0)
    max_rows: int = Field(10_000, ge=1)
    max_request_bytes: int = Field(1_000_000, ge=1)
    max_concurrent_queries: int = Field(4, ge=1)
    #: Deepest bracket nesting a query or update may have: the engines parse recursively, and a
    #: few thousand nested groups overflow a thread's stack and kill the process.
    max_query_depth: int = Field(100, ge=1)
    #: Most tokens (words, names, literals, punctuation) a query or update may have: long chains of
    #: UNION, || or FILTER build trees that engines walk recursively, and take time to plan.
    max_query_tokens: int = Field(10_000, ge=1)
    #: SERVICE endpoints a query may call; everything else is refused.
    service_allowlist: Annotated[tuple[str, ...], NoDecode] = ()
    #: Public base of the service (e.g. https://kg.example.org/) for links; None uses the request's.
    base_url: str | None = None
    #: Bytes of answers kept for repeated read queries until the next write (0: keep none). Embedded
    #: store only: a remote engine may change behind the service's back.
    result_cache_bytes: int = Field(64_000_000, ge=0)
    #: Memory a query may add to its worker's (resident bytes, beyond the data it holds) before it is stopped.
    worker_memory_bytes: int = Field(300_000_000, ge=1)
    #: Memory the service's queries may add together (web process and workers, beyond the data they hold
    #: once started); past it the query that added the most is stopped.
    memory_budget_bytes: int = Field(1_000_000_000, ge=1)
    #: Queries running longer than ``long_query_seconds`` that may run at once; the other query slots stay
    #: free for short queries. At most ``max_concurrent_queries - 1``.
    max_long_queries: int = Field(2, ge=1)
    long_query_seconds: float = Field(0.5, gt=0)
    #: With --store-dir: copy the built store into each worker's memory (faster queries, more memory).
    in_memory: bool = False
    #: The malloc query workers run on: "auto" (jemalloc when the system has it: faster queries), "system"
    #: (glibc's), or the path of a shared library to preload (see ctlkg.engine.allocator).
    worker_allocator: str = "auto"
    #: gzip answers to clients on this machine too. Off by default: on loopback, deflating costs more than
    #: it saves. Turn it on behind a reverse proxy on the same host that does not compress by itself.
    compress_loopback: bool = False

    @field_validator("service_allowlist", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
        """A TOML list, or a comma-separated environment value."""
        items = value.split(",") if isinstance(value, str) else value
        return tuple(str(item).strip() for item in items if str(item).strip()) if items is not None else ()

    @field_validator("endpoint", "update_endpoint", "base_url", "write_token", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if value == "" else value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (the init values) win over the environment, which wins over the TOML file."""
        file = _FILE.get()
        environment = _Environment(settings_cls) if _ENVIRONMENT.get() is not None else env_settings
        return (init_settings, environment) + ((_TomlTable(settings_cls, file),) if file is not None else ())


class _Environment(EnvSettingsSource):
    """CTLKG_* variables from a given mapping instead of os.environ (a test's own environment)."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        given = _ENVIRONMENT.get()
        found = given if given is not None else os.environ
        return dict(found) if self.case_sensitive else {name.lower(): value for name, value in found.items()}


class _TomlTable(TomlConfigSettingsSource):
    """The file's ``[ctlkg]`` table, or its top-level keys when it has none."""

    def __init__(self, settings_cls: type[BaseSettings], file: Path) -> None:
        self.file = file
        super().__init__(settings_cls, toml_file=file)

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        table = super()._read_file(file_path)
        found = table.get("ctlkg", table)
        return dict(found) if isinstance(found, dict) else {}


def _source(name: str, file: Path | None, environment: Mapping[str, str], flags: Mapping[str, Any]) -> str:
    """Where a setting's value came from, for the error message."""
    if name in flags:
        return "--" + name.replace("_", "-")
    if PREFIX + name.upper() in environment:
        return PREFIX + name.upper()
    return str(file) if file is not None else "settings"


def _problem(exc: ValidationError, file: Path | None, environment: Mapping[str, str],
             flags: Mapping[str, Any]) -> ConfigError:
    unknown = [str(e["loc"][0]) for e in exc.errors() if e["type"] == "extra_forbidden" and e["loc"]]
    if unknown:
        return ConfigError(f"{file}: unknown settings: {', '.join(sorted(unknown))}")
    lines = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "settings"
        shown = "***" if name == "write_token" else repr(error.get("input"))
        source = _source(name, file, environment, flags)
        lines.append(f"{source}: bad value for {name}: {shown} ({error['msg']})")
    return ConfigError("; ".join(lines))


def load_settings(
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Read the settings once; command-line overrides (None means "not given") win over everything."""
    flags = {name: value for name, value in (overrides or {}).items() if value is not None}
    environment = os.environ if env is None else env
    if config_file is not None and not config_file.is_file():
        raise ConfigError(f"{config_file}: no such settings file")
    file_token, env_token = _FILE.set(config_file), _ENVIRONMENT.set(env)
    try:
        settings = Settings(**flags)
    except ValidationError as exc:
        raise _problem(exc, config_file, environment, flags) from None
    except ValueError as exc:  # the TOML file does not parse
        raise ConfigError(f"{config_file}: {exc}") from None
    finally:
        _FILE.reset(file_token)
        _ENVIRONMENT.reset(env_token)
    if settings.store_dir is not None and settings.endpoint is not None:
        raise ConfigError("give either a store directory or a remote endpoint, not both")
    if settings.update_endpoint is not None and settings.endpoint is None:
        raise ConfigError("an update endpoint needs a query endpoint (--endpoint)")
    return settings

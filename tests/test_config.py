"""Settings: defaults, then a TOML file, then CTLKG_* variables, then command-line flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctlkg.config import Settings, load_settings
from ctlkg.errors import ConfigError


def test_defaults() -> None:
    settings = load_settings(env={})
    assert settings == Settings()
    assert (settings.host, settings.port, settings.query_timeout, settings.max_rows) == (
        "127.0.0.1",
        8000,
        30.0,
        10_000,
    )
    assert settings.max_request_bytes == 1_000_000 and settings.write_token is None


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    config = tmp_path / "ctlkg.toml"
    config.write_text(
        '[ctlkg]\nport = 9000\nquery_timeout = 5\nservice_allowlist = ["https://query.wikidata.org/sparql"]\n'
        'base_url = "https://kg.example.org/"\n'
    )
    settings = load_settings(config, env={"CTLKG_PORT": "9100", "CTLKG_MAX_ROWS": "50"})
    assert settings.port == 9100 and settings.max_rows == 50 and settings.query_timeout == 5.0
    assert settings.service_allowlist == ("https://query.wikidata.org/sparql",)
    assert settings.base_url == "https://kg.example.org/"
    flagged = load_settings(config, {"port": 9200, "host": None}, env={"CTLKG_PORT": "9100"})
    assert flagged.port == 9200 and flagged.host == "127.0.0.1"


def test_top_level_keys_and_lists_from_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "ctlkg.toml"
    config.write_text('store_dir = "build/store"\n')
    settings = load_settings(config, env={"CTLKG_SERVICE_ALLOWLIST": "https://a/sparql, https://b/sparql"})
    assert settings.store_dir == Path("build/store")
    assert settings.service_allowlist == ("https://a/sparql", "https://b/sparql")


@pytest.mark.parametrize(
    "text, message",
    [
        ("prot = 1\n", "unknown settings: prot"),
        ('port = "eighty"\n', "port"),
        ("query_timeout = -1\n", "query_timeout"),
        ("max_rows = 0\n", "max_rows"),
        ("port = [\n", "ctlkg.toml"),
    ],
)
def test_bad_files(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "ctlkg.toml"
    config.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_settings(config, env={})


def test_bad_environment_and_combinations() -> None:
    with pytest.raises(ConfigError, match="CTLKG_MAX_ROWS"):
        load_settings(env={"CTLKG_MAX_ROWS": "many"})
    with pytest.raises(ConfigError, match="not both"):
        load_settings(None, {"store_dir": "x", "endpoint": "http://e/query"}, env={})
    with pytest.raises(ConfigError, match="update endpoint"):
        load_settings(None, {"update_endpoint": "http://e/update"}, env={})


def test_the_token_never_shows() -> None:
    settings = load_settings(None, {"write_token": "s3cret"}, env={})
    assert settings.write_token is not None and settings.write_token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)

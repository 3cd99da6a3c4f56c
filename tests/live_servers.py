"""The one module of test helpers for live servers: starting, waiting for and stopping processes, the
session's servers as values (``Service``, ``Oxigraph``), ctlkg servers with their own limits started from a
store built once per session, and a loopback listener that records whether anything called it.

Everything listens on 127.0.0.1 only; every loop here is bounded in count and time.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent
TOKEN = "test-write-token-7f3a"
#: What ``service`` runs over unless a module asks for every engine (the ``every_engine`` marker).
BACKENDS = ("embedded", "remote")
#: The backends plus a real Virtuoso 7 behind `ctlkg serve --endpoint`: for what must answer the same there.
ENGINES = (*BACKENDS, "virtuoso")
START_TIMEOUT = 180.0


class ServerUrls:
    """The endpoints of a ctlkg server, from its base ``url`` (a field of the dataclass using this)."""

    url: str

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    @property
    def update(self) -> str:
        return self.url + "/sparql/update"


@dataclass(frozen=True)
class Service(ServerUrls):
    """A running ctlkg server: its base URL (no trailing slash) and the backend behind it."""

    url: str
    backend: str
    token: str = TOKEN


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso instance: its HTTP base URL and its SQL (isql) port."""

    url: str
    sql_port: int

    @property
    def sparql(self) -> str:
        """Queries, and updates as the ``update`` form field."""
        return self.url + "/sparql"

    @property
    def store(self) -> str:
        """The Graph Store Protocol endpoint."""
        return self.url + "/sparql-graph-crud"


@dataclass(frozen=True)
class Oxigraph:
    url: str

    @property
    def query(self) -> str:
        return self.url + "/query"

    @property
    def update(self) -> str:
        return self.url + "/update"

    @property
    def store(self) -> str:
        return self.url + "/store"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def spawn(args: list[str], log: Path, **env: str) -> subprocess.Popen[bytes]:
    """Start a process with its output in a log file (a pipe nobody reads would block it)."""
    handle = log.open("wb")
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    return subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, env=environment)


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{url} did not come up in {START_TIMEOUT:g} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Processes:
    """Everything the session started, so teardown stops exactly these."""

    started: list[subprocess.Popen[bytes]]
    services: dict[str, Service]
    oxigraph: Oxigraph
    virtuoso: Virtuoso
    logs: Path


CTLKG = str(BIN / "ctlkg")


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once by `ctlkg build`; tests copy it, so each gets its own to write or break."""
    path = tmp_path_factory.mktemp("built") / "store"
    result = subprocess.run([CTLKG, "build", "--out", str(path)], capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return path


def copy_store(built: Path, target: Path) -> Path:
    shutil.copytree(built, target)
    return target


@dataclass
class Live(ServerUrls):
    """One ctlkg server process of a test's own."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    store_dir: Path | None = None

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        stop(self.process)


def start(
    log: Path,
    *,
    store_dir: Path | None = None,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    port: int | None = None,
) -> Live:
    """`ctlkg serve` on a free loopback port, waited for until it answers."""
    port = port or free_port()
    command = [CTLKG, "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    if store_dir is not None:
        command += ["--store-dir", str(store_dir)]
    process = spawn(command, log, **(env or {}))
    live = Live(f"http://127.0.0.1:{port}", process, log, store_dir)
    try:
        wait_until_up(live.sparql + "?query=ASK%7B%7D", process, log)
    except BaseException:
        stop(process)
        raise
    return live


@dataclass
class Call:
    method: str
    path: str
    body: bytes


@dataclass
class Listener:
    """A tiny HTTP server on 127.0.0.1 that records every request; its answer is a SPARQL JSON result."""

    url: str
    calls: list[Call] = field(default_factory=list)


SOLUTION = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"from-the-listener"}}]}}'


@pytest.fixture
def listener() -> Iterator[Listener]:
    calls: list[Call] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(min(length, 1_000_000)) if length else b""
            calls.append(Call(self.command, self.path, body))
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(SOLUTION)))
            self.end_headers()
            self.wfile.write(SOLUTION)

        do_GET = do_POST = do_PUT = do_HEAD = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield Listener(f"http://127.0.0.1:{server.server_address[1]}", calls)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

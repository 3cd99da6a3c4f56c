"""Real servers for the service tests: uvicorn subprocesses on free loopback ports, one per backend.

``service`` is parametrised over the two backends: the embedded store compiled at start-up, and a
real Oxigraph server (the `oxigraph` CLI) loaded with `ctlkg load` and answered through `ctlkg serve
--endpoint`. Every process is started once per session, all at the same time, and stopped at the end.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent
TOKEN = "test-write-token-7f3a"
BACKENDS = ("embedded", "remote")
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
    logs: Path


@pytest.fixture(scope="session")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Processes]:
    """Oxigraph, its loader and both ctlkg servers, started together; compiling runs in parallel."""
    logs = tmp_path_factory.mktemp("logs")
    ctlkg = str(BIN / "ctlkg")
    ox_url = f"http://127.0.0.1:{free_port()}"
    ports = {name: free_port() for name in BACKENDS}
    # As behind a reverse proxy on this host that leaves compression to us: answers over 2 kB are gzipped
    # for these loopback clients, so the encoding checks (HEAD as GET, conneg) see compression.
    env = {"CTLKG_WRITE_TOKEN": TOKEN, "CTLKG_COMPRESS_LOOPBACK": "1"}
    started: list[subprocess.Popen[bytes]] = []
    try:
        oxigraph = spawn(
            [
                str(BIN / "oxigraph"),
                "serve",
                "--location",
                str(tmp_path_factory.mktemp("oxigraph")),
                "--bind",
                ox_url.removeprefix("http://"),
            ],
            logs / "oxigraph.log",
        )
        started.append(oxigraph)
        embedded = spawn([ctlkg, "serve", "--port", str(ports["embedded"])], logs / "embedded.log", **env)
        started.append(embedded)
        wait_until_up(ox_url + "/", oxigraph, logs / "oxigraph.log")
        # Validity of the data is the shapes tests' business; here the protocol is under test.
        load = subprocess.run(
            [ctlkg, "load", "--endpoint", ox_url + "/update", "--no-check"],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
        )
        if load.returncode != 0:
            raise RuntimeError(f"ctlkg load failed:\n{load.stderr[-3000:]}")
        remote = spawn(
            [
                ctlkg,
                "serve",
                "--port",
                str(ports["remote"]),
                "--endpoint",
                ox_url + "/query",
                "--update-endpoint",
                ox_url + "/update",
            ],
            logs / "remote.log",
            **env,
        )
        started.append(remote)
        services = {name: Service(f"http://127.0.0.1:{port}", name) for name, port in ports.items()}
        wait_until_up(services["remote"].sparql, remote, logs / "remote.log")
        wait_until_up(services["embedded"].sparql, embedded, logs / "embedded.log")
        yield Processes(started, services, Oxigraph(ox_url), logs)
    finally:
        for process in reversed(started):
            stop(process)


@pytest.fixture(scope="session", params=BACKENDS)
def service(request: pytest.FixtureRequest, processes: Processes) -> Service:
    """Each service test runs once against each backend."""
    return processes.services[str(request.param)]


@pytest.fixture(scope="session")
def oxigraph(processes: Processes) -> Oxigraph:
    return processes.oxigraph


@pytest.fixture(scope="session")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http:
        yield http


@pytest.fixture(scope="session")
def processes_services(processes: Processes) -> dict[str, Service]:
    """Both services at once, for tests that compare the backends."""
    return processes.services

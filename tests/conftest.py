"""The session's real servers, as fixtures: uvicorn subprocesses on free loopback ports, one per backend
(the helpers that start them are in ``live_servers``, which tests import; nothing imports this file).

``service`` is parametrised over the two backends: the embedded store compiled at start-up, and a
real Oxigraph server (the `oxigraph` CLI) loaded with `ctlkg load` and answered through `ctlkg serve
--endpoint`. Every process is started once per session, all at the same time, and stopped at the end.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import pytest

from live_servers import (
    BACKENDS,
    BIN,
    START_TIMEOUT,
    TOKEN,
    Oxigraph,
    Processes,
    Service,
    free_port,
    spawn,
    stop,
    wait_until_up,
)


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

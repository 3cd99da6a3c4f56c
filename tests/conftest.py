"""The session's real servers, as fixtures: uvicorn subprocesses on free loopback ports, one per backend
(the helpers that start them are in ``live_servers``, which tests import; nothing imports this file).

``service`` is parametrised over the two backends: the embedded store compiled at start-up, and a
real Oxigraph server (the `oxigraph` CLI) loaded with `ctlkg load` and answered through `ctlkg serve
--endpoint`. Modules marked ``every_engine`` run on a third: a real Virtuoso 7 (`virtuoso-t`, its own
database and ini, see ``virtuoso_server``), loaded and answered the same way. Every process is started once
per session, all at the same time, and stopped at the end.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import httpx
import pytest

import virtuoso_server
from live_servers import (
    BACKENDS,
    BIN,
    ENGINES,
    START_TIMEOUT,
    TOKEN,
    Oxigraph,
    Processes,
    Service,
    Virtuoso,
    free_port,
    spawn,
    stop,
    wait_until_up,
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``service`` runs over the backends, or over every engine in a module marked ``every_engine``."""
    if "service" in metafunc.fixturenames:
        every = metafunc.definition.get_closest_marker("every_engine") is not None
        metafunc.parametrize("service", ENGINES if every else BACKENDS, indirect=True, scope="session")


def load(ctlkg: str, endpoint: str) -> subprocess.Popen[str]:
    # Validity of the data is the shapes tests' business; here the protocol is under test.
    return subprocess.Popen([ctlkg, "load", "--endpoint", endpoint, "--no-check"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def loaded(loader: subprocess.Popen[str]) -> None:
    _, stderr = loader.communicate(timeout=START_TIMEOUT)
    if loader.returncode != 0:
        raise RuntimeError(f"{loader.args!r} failed:\n{stderr[-3000:]}")


@pytest.fixture(scope="session")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Processes]:
    """Oxigraph, Virtuoso, their loaders and the three ctlkg servers, started together; compiling runs in
    parallel."""
    logs = tmp_path_factory.mktemp("logs")
    ctlkg = str(BIN / "ctlkg")
    ox_url = f"http://127.0.0.1:{free_port()}"
    ports = {name: free_port() for name in ENGINES}
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
        virtuoso_process, virtuoso = virtuoso_server.start(tmp_path_factory.mktemp("virtuoso"),
                                                           logs / "virtuoso-engine.log")
        started.append(virtuoso_process)
        wait_until_up(ox_url + "/", oxigraph, logs / "oxigraph.log")
        loaders = [load(ctlkg, ox_url + "/update"), load(ctlkg, virtuoso.sparql)]
        for loader in loaders:
            loaded(loader)
        on_virtuoso = spawn(
            [ctlkg, "serve", "--port", str(ports["virtuoso"]), "--endpoint", virtuoso.sparql,
             "--update-endpoint", virtuoso.sparql],
            logs / "virtuoso.log",
            **env,
        )
        started.append(on_virtuoso)
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
        wait_until_up(services["virtuoso"].sparql, on_virtuoso, logs / "virtuoso.log")
        yield Processes(started, services, Oxigraph(ox_url), virtuoso, logs)
    finally:
        for process in reversed(started):
            stop(process)


@pytest.fixture(scope="session")
def service(request: pytest.FixtureRequest, processes: Processes) -> Service:
    """Each service test runs once against each backend (parametrised by ``pytest_generate_tests``)."""
    return processes.services[str(request.param)]


@pytest.fixture(scope="session")
def oxigraph(processes: Processes) -> Oxigraph:
    return processes.oxigraph


@pytest.fixture(scope="session")
def virtuoso(processes: Processes) -> Virtuoso:
    return processes.virtuoso


@pytest.fixture(scope="session")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=60) as http:
        yield http


@pytest.fixture(scope="session")
def processes_services(processes: Processes) -> dict[str, Service]:
    """Every service at once, for tests that compare the backends."""
    return processes.services

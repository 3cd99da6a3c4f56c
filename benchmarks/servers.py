"""The three systems under test, each a process on loopback: the service, Oxigraph server, rdflib-endpoint.

Each is started alone (the machine has two cores: two servers at once would measure each other), timed from
spawn to its first answer to ``ASK {}``, sampled for resident memory while it runs, and stopped by its own
process id.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from ctlkg.rdf import namespaces

BIN = Path(sys.executable).parent
ASK = "ASK {}"
#: The service's default graph: ontology, data and what is derived (inferences and synergies).
DEFAULT_GRAPHS = (
    namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_DATA, namespaces.GRAPH_INFERRED, namespaces.GRAPH_SYNERGIES
)


@dataclass
class Server:
    name: str
    url: str  # the SPARQL endpoint
    base: str
    process: subprocess.Popen[bytes]
    startup: float

    def rss_mb(self) -> float:
        """Resident memory of the server and every process it started (the service's query workers hold
        their own copies of the data), from /proc; no psutil needed."""
        return sum(_rss_kb(pid) for pid in _tree(self.process.pid)) / 1024 or float("nan")


def _tree(root: int) -> list[int]:
    """``root`` and its descendants, read from /proc/*/stat (the parent is the fourth field)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], started: float, limit: float) -> float:
    while time.perf_counter() - started < limit:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            answer = httpx.get(
                url, params={"query": ASK}, headers={"Accept": "application/sparql-results+json"}, timeout=2.0
            )
            if answer.status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"{url}: no answer after {limit:.0f} s")


@contextmanager
def running(
    name: str, command: list[str], sparql_path: str, port: int, log: Path, limit: float = 900.0,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Start ``command``, wait for its endpoint, yield it, stop it (SIGTERM, then SIGKILL) by its pid."""
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                   env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        startup = _wait(base + sparql_path, process, started, limit)
        yield Server(name, base + sparql_path, base, process, startup)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def service(store_dir: Path, log: Path, *, cache: bool = True) -> AbstractContextManager[Server]:
    """`ctlkg serve` on the built store; ``cache=False`` keeps no answers, so every query is computed."""
    port = free_port()
    command = [str(BIN / "ctlkg"), "serve", "--store-dir", str(store_dir), "--port", str(port)]
    env = None if cache else {"CTLKG_RESULT_CACHE_BYTES": "0"}
    return running("service" if cache else "service-uncached", command, "/sparql", port, log, env=env)


def export(store_dir: Path, work: Path) -> tuple[Path, Path]:
    """The built store as the other systems see it: ontology, data, inferences and synergies merged into one
    default graph (the service's default graph), and the synergies also as N-Quads in their named graph."""
    store = ox.Store.read_only(str(store_dir))
    default, named = work / "default.nt", work / "synergies.nq"
    with default.open("wb") as out:
        for graph in DEFAULT_GRAPHS:
            store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
    quads = store.quads_for_pattern(None, None, None, ox.NamedNode(namespaces.GRAPH_SYNERGIES))
    named.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return default, named


def oxigraph_server(default: Path, named: Path, location: Path, log: Path) -> AbstractContextManager[Server]:
    if location.exists():
        shutil.rmtree(location)
    store = ox.Store(str(location))
    store.bulk_load(path=str(default), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.bulk_load(path=str(named), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    port = free_port()
    command = [
        str(BIN / "oxigraph"),
        "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    return running("oxigraph", command, "/query", port, log)


def rdflib_endpoint(default: Path, named: Path, log: Path) -> AbstractContextManager[Server]:
    """rdflib-endpoint's Dataset (default_union=True) leaves triples parsed into its default graph out of the
    union: the default part goes in as a named graph of its own, which the union then covers."""
    port = free_port()
    merged = default.with_name("rdflib.nq")
    with merged.open("wb") as out:
        for line in default.read_bytes().splitlines():
            if line.strip():
                out.write(line.rstrip()[:-1] + b" <urn:x-ctlkg:default> .\n")
        out.write(named.read_bytes())
    command = [str(BIN / "rdflib-endpoint"), "serve", str(merged), "--host", "127.0.0.1", "--port", str(port)]
    return running("rdflib-endpoint", command, "/", port, log)

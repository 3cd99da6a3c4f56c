"""`kill -9` in the middle of a stream of writes loses nothing and leaves nothing half-done.

A writer sends valid updates in a loop, each adding one uniquely labelled rdfs:comment to a cluster, and
records which were acknowledged with a 2xx. The server (`ctlkg serve --store-dir DIR --write-token T`)
is killed with SIGKILL at a random moment, restarted on the same directory, and then:

* it opens and answers;
* every acknowledged write is there, and nothing but acknowledged writes, except possibly the one that
  was in flight when the process died (sent, never answered: it may or may not have committed);
* no write is partial: the stored inferences are exactly those of the stored data;
* the data breaks no shape it did not already break before the writes.

Repeated several times on the same directory. Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from ctlkg.build import writes
from ctlkg.rdf import namespaces
from ctlkg.reasoning import reference as reasoning
from ctlkg.sparql.embedded import EmbeddedBackend
from live_servers import Live, built_store, copy_store, start

__all__ = ["built_store"]
pytestmark = pytest.mark.slow

TOKEN = "crash-test-token"
#: Two rounds of kill -9 (three took 50 s of the suite): each sees one to a dozen writes in flight.
ROUNDS = 2
#: When the kill comes, after the writer starts (a write takes about a second: validation, reasoning, a
#: checkpoint), so a round sees from one to a dozen writes. The first round waits for one acknowledged
#: write first, so there is always something to lose.
KILL_AFTER = (1.0, 15.0)
FIRST_ACK_WITHIN = 180.0
MAX_WRITES_PER_ROUND = 20
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
CLUSTERS = ["afil", "le2c", "scienze-vita", "tav"]
MARK = "crash-test "


@dataclass
class Ledger:
    acknowledged: set[str] = field(default_factory=set)
    unanswered: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)


def comment_update(label: str, cluster: str) -> str:
    return f'INSERT DATA {{ <{namespaces.ID}cluster/{cluster}> <{COMMENT}> "{MARK}{label}" }}'


def writer(live: Live, ledger: Ledger, round_number: int, stop: threading.Event, rng: random.Random) -> None:
    with httpx.Client(timeout=120) as client:
        for n in range(MAX_WRITES_PER_ROUND):
            if stop.is_set():
                return
            label = f"{round_number}-{n}"
            ledger.unanswered.add(label)
            try:
                response = client.post(live.update, data={"update": comment_update(label, rng.choice(CLUSTERS))},
                                       headers={"Authorization": f"Bearer {TOKEN}"})
            except httpx.HTTPError:
                return  # the server died under us: this one stays unanswered
            if 200 <= response.status_code < 300:
                ledger.unanswered.discard(label)
                ledger.acknowledged.add(label)
            else:
                ledger.unanswered.discard(label)
                ledger.refused.append(f"{label}: {response.status_code} {response.text[:200]}")


def stored_comments(live: Live) -> set[str]:
    query = f'SELECT ?c WHERE {{ GRAPH <{namespaces.GRAPH_DATA}> {{ ?s <{COMMENT}> ?c FILTER(STRSTARTS(?c, "{MARK}")) }} }}'
    response = httpx.get(live.sparql, params={"query": query}, headers={"Accept": "application/sparql-results+json"},
                         timeout=60)
    assert response.status_code == 200, response.text
    return {b["c"]["value"].removeprefix(MARK) for b in response.json()["results"]["bindings"]}


def check_store(path: Path, baseline: frozenset[writes.Violation]) -> set[str]:
    """Check the store (no server holds it) in a process of its own, which surely lets go of its lock."""
    helpers = str(Path(__file__).resolve().parents[1])  # tests/, where live_servers is
    result = subprocess.run([sys.executable, __file__, str(path)], input=json.dumps(sorted(baseline, key=str)),
                            capture_output=True, text=True, timeout=600, check=False,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
                                helpers, os.environ.get("PYTHONPATH")]))})
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def check_in_this_process(path: Path, baseline: frozenset[writes.Violation]) -> set[str]:
    """Open the store and check it is whole; the labels of the comments it holds."""
    store = ox.Store(str(path))
    try:
        backend = EmbeddedBackend(store)
        data = backend.graph(namespaces.GRAPH_DATA)
        ontology = writes.to_rdflib(backend.graph(namespaces.GRAPH_ONTOLOGY))
        expected = reasoning.infer(ontology, writes.to_rdflib(data))
        stored = writes.to_rdflib(backend.graph(namespaces.GRAPH_INFERRED))
        assert isomorphic(expected, stored), "the inferences do not match the data: a partial write"
        added = writes.current_violations(backend) - baseline
        assert not added, f"the data breaks {len(added)} more shape constraints: {sorted(added)[:3]}"
        return {
            t.object.value.removeprefix(MARK) for t in data
            if t.predicate.value == COMMENT and isinstance(t.object, ox.Literal) and t.object.value.startswith(MARK)
        }
    finally:
        del store


def test_kill_9_during_writes_loses_nothing(built_store: Path, tmp_path: Path) -> None:
    path = copy_store(built_store, tmp_path / "store")
    baseline_store = ox.Store.read_only(str(built_store))
    baseline = writes.current_violations(EmbeddedBackend(baseline_store))
    del baseline_store
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    ledger = Ledger()
    landed: set[str] = set()  # unanswered writes found committed: from then on they must stay
    kills: list[float] = []
    for round_number in range(ROUNDS):
        live = start(tmp_path / f"round-{round_number}.log", store_dir=path, env={"CTLKG_WRITE_TOKEN": TOKEN})
        present = stored_comments(live)
        possible = ledger.acknowledged | ledger.unanswered
        assert ledger.acknowledged | landed <= present, f"acknowledged writes lost (seed {seed})"
        assert present <= possible, f"writes that nobody sent: {present - possible} (seed {seed})"
        landed |= present & ledger.unanswered
        stop = threading.Event()
        thread = threading.Thread(target=writer, args=(live, ledger, round_number, stop, rng), daemon=True)
        thread.start()
        if round_number == 0:
            started = time.monotonic()
            while not ledger.acknowledged and time.monotonic() - started < FIRST_ACK_WITHIN:
                time.sleep(0.2)
            wait = rng.uniform(0, 12)
        else:
            wait = rng.uniform(*KILL_AFTER)
        kills.append(round(wait, 1))
        time.sleep(wait)
        os.kill(live.process.pid, signal.SIGKILL)
        live.process.wait(timeout=30)
        stop.set()
        thread.join(timeout=120)
        assert not thread.is_alive()
        on_disk = check_store(path, baseline)
        assert ledger.acknowledged | landed <= on_disk, f"acknowledged writes lost (seed {seed})"
        assert on_disk <= ledger.acknowledged | ledger.unanswered, f"seed {seed}"
        landed |= on_disk & ledger.unanswered
    assert not ledger.refused, ledger.refused
    print(f"\ncrash test (seed {seed}): kills after {kills} s; {len(ledger.acknowledged)} writes acknowledged, "
          f"{len(ledger.unanswered)} in flight at a kill ({len(landed)} of them committed)")
    assert ledger.acknowledged, "no write was acknowledged: the kills came too early to test anything"
    # a last restart: the store still opens and serves every acknowledged write
    live = start(tmp_path / "final.log", store_dir=path, env={"CTLKG_WRITE_TOKEN": TOKEN})
    try:
        assert ledger.acknowledged | landed <= stored_comments(live)
    finally:
        live.stop()


if __name__ == "__main__":  # check_store's own process: the store's path as argument, the baseline on stdin
    known = frozenset(tuple(v) for v in json.loads(sys.stdin.read()))
    print(json.dumps(sorted(check_in_this_process(Path(sys.argv[1]), known))))

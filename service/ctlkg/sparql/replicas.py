"""Several services on one engine: a stamp in the engine that every write changes, and a watch that reads it.

Each replica keeps answers computed from the data (the synergies, the dumps, pages of listings) until its
DataVersion moves, and its own writes move it. A write through another replica does not, so each write
also replaces a one-triple graph holding a fresh stamp, in the same update as the data (the engine applies
it whole), and every replica reads the stamp once a second: when it differs from the last one seen, the
replica's version moves and its caches empty. A replica thus serves another's write within about a second.
Whoever writes to the engine some other way (a bulk loader) runs ``stamp_update()`` after it, or restarts
the replicas.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable

import pyoxigraph as ox

from ctlkg.errors import CtlkgError
from ctlkg.rdf import namespaces
from ctlkg.sparql.backend import replacing_update
from ctlkg.sparql.data_version import DataVersion

log = logging.getLogger(__name__)

#: The graph that holds the stamp: outside the default graph, so no query over the data meets it.
STAMP_GRAPH = namespaces.BASE + "graph/service"
STAMP_SUBJECT = namespaces.BASE + "id/service/data"
_IDENTIFIER = "http://purl.org/dc/terms/identifier"
STAMP_QUERY = (f"SELECT ?stamp WHERE {{ GRAPH <{STAMP_GRAPH}> "
               f"{{ <{STAMP_SUBJECT}> <{_IDENTIFIER}> ?stamp }} }}")


def new_stamp() -> str:
    return uuid.uuid4().hex


def stamp_graph(value: str) -> dict[str, list[ox.Triple]]:
    """The stamp graph holding ``value``, to replace along with the graphs a write changes."""
    triple = ox.Triple(ox.NamedNode(STAMP_SUBJECT), ox.NamedNode(_IDENTIFIER), ox.Literal(value))
    return {STAMP_GRAPH: [triple]}


def stamp_update() -> str:
    """A SPARQL update that gives the engine a new stamp (after a load that bypassed the service)."""
    return replacing_update(stamp_graph(new_stamp()))


class StampWatch:
    """Reads the engine's stamp every ``interval`` seconds in a thread of its own, and moves ``version``
    when another service changed it; a failed read is logged once and tried again at the next tick.
    ``own`` gives the stamp this service wrote last: its write has moved the version already."""

    def __init__(
        self, read: Callable[[], str | None], version: DataVersion, *,
        own: Callable[[], str | None] = lambda: None, interval: float = 1.0,
    ) -> None:
        self._read = read
        self._own = own
        self._version = version
        self._interval = interval
        self._stop = threading.Event()
        self._seen: str | None = None
        self._failing = False
        self._thread = threading.Thread(target=self._run, name="stamp-watch", daemon=True)

    def start(self) -> None:
        self._seen = self._read_quietly()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _read_quietly(self) -> str | None:
        try:
            value = self._read()
        except CtlkgError as exc:
            if not self._failing:
                log.warning("cannot read the engine's data stamp (will retry): %s", exc)
            self._failing = True
            return self._seen
        self._failing = False
        return value

    def check(self) -> bool:
        """Read the stamp once; True (and the version moved) when another service changed it since the last
        read."""
        value = self._read_quietly()
        if value == self._seen:
            return False
        self._seen = value
        if value is not None and value == self._own():
            return False
        self._version.bump()
        return True

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.check()


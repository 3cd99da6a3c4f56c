"""A query worker as the pool sees it: the process, its pipes and resident memory, the last lines of its
stderr, how it is started and how it is reaped. The slots, deadlines and the monitor are ``pool``'s."""

from __future__ import annotations

import collections
import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

log = logging.getLogger("ctlkg.engine")
PAGE = os.sysconf("SC_PAGE_SIZE")
PIPE_BYTES = 1 << 20


@dataclass(eq=False)
class Worker:
    process: subprocess.Popen[bytes]
    version: int = -1
    #: Resident bytes once the data is open: a query's ceiling counts what it adds to this.
    baseline: int = 0
    busy_since: float | None = None
    long: bool = False
    #: Why the pool killed it ("timeout", "memory", "budget", "long"); None when it died by itself.
    killed: str | None = None
    stderr: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=20))
    #: Set when its stderr closes, that is when the process has ended: the hot path asks the kernel nothing.
    ended: bool = False

    @property
    def fd(self) -> int:
        assert self.process.stdout is not None
        return self.process.stdout.fileno()

    def rss(self) -> int:
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            return 0

    def kill(self, reason: str) -> None:
        if self.killed is None:
            self.killed = reason
        try:
            self.process.send_signal(signal.SIGKILL)
        except ProcessLookupError:
            pass


def launch(environment: Mapping[str, str] | None = None) -> Worker:
    """Start a worker process (it holds no data until it is opened) and keep its last lines of stderr;
    ``environment`` adds to ours (the allocator to preload, see ``allocator``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ctlkg.engine.worker"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
        close_fds=True, start_new_session=True, env={**os.environ, **environment} if environment else None,
    )
    worker = Worker(process)
    _widen(worker.fd)
    threading.Thread(target=_tail, args=(worker,), name="ctlkg-engine-stderr", daemon=True).start()
    return worker


def _widen(fd: int) -> None:
    """Give the answer pipe 1 MiB instead of 64 KiB where the kernel allows it: an answer of a few hundred
    kB then crosses in one or two reads instead of a wake-up per 64 KiB."""
    try:
        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except OSError:
        pass  # above /proc/sys/fs/pipe-max-size: the default size still works


def own_rss() -> int:
    with open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * PAGE


def reap(worker: Worker) -> None:
    """Wait for a worker whose pipe closed; one that closed it and lives on is killed."""
    try:
        worker.process.wait(timeout=1)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.process.wait()


def _tail(worker: Worker) -> None:
    """Keep a worker's last lines of stderr (a Rust panic or allocation failure says why it died)."""
    stream = worker.process.stderr
    assert stream is not None
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace").rstrip()
        worker.stderr.append(line)
        log.debug("worker %d: %s", worker.process.pid, line)
    worker.ended = True  # a worker that dies while idle (the kernel's OOM killer, say) is replaced when taken

"""The operating system's fence around a worker, set up before it reads any client text.

- seccomp: every call that makes a socket (``socket``, ``socketpair``) fails with EPERM, so a SERVICE or
  LOAD that gets past every check cannot connect anywhere. The worker talks to its parent over pipes it
  inherited, so it needs no socket of its own.
- Landlock: the worker may read only the store, the Python installation and the package; it may write
  nowhere. Skipped (and said so) on kernels without Landlock.
- No new privileges, and no core dumps of a worker's memory.
"""

from __future__ import annotations

import errno
import os
import resource
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass

# Imported before the fence is up: looking up libseccomp writes a temporary file, which it then forbids.
import landlock
import pyseccomp as seccomp


@dataclass(frozen=True)
class Fenced:
    """What was enforced in this process, reported to the parent so the service can log and test it."""

    network: bool
    files: bool
    detail: str = ""


def _deny_sockets() -> None:
    rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    for call in ("socket", "socketpair"):
        rules.add_rule(seccomp.ERRNO(errno.EPERM), call)
    rules.load()


def python_paths() -> list[str]:
    """Where the interpreter may need to read from after the fence: the standard library, site-packages
    (modules imported lazily, certificates) and this package, wherever it is installed from."""
    found = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.dirname(__file__))}
    found.update(value for value in sysconfig.get_paths().values() if value)
    found.update(entry for entry in sys.path if entry)
    return sorted(path for path in found if os.path.exists(path))


def _restrict_files(readable: Iterable[str]) -> None:
    """Read-only access beneath each path. A regular file (the N-Quads of an in-memory version) takes file
    rights only: Landlock refuses directory rights on a file (EINVAL), which left every worker unfenced."""
    ruleset = landlock.Ruleset()
    for path in readable:
        rights = landlock.FSAccess.READ_FILE
        if os.path.isdir(path):
            rights |= landlock.FSAccess.READ_DIR
        ruleset.allow(path, rules=rights)
    ruleset.apply()


def apply(readable: Iterable[str], *, allow_network: bool) -> Fenced:
    """Fence this process; ``allow_network`` leaves sockets alone (an allow-listed SERVICE needs them)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    notes = []
    files = False
    try:
        _restrict_files(readable)
        files = True
    except Exception as exc:
        notes.append(f"no file fence ({type(exc).__name__}: {exc})")
    if not allow_network:
        _deny_sockets()  # no fallback: a worker that cannot be fenced must not run queries
    return Fenced(network=not allow_network, files=files, detail="; ".join(notes))

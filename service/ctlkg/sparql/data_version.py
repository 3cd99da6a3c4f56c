"""One signal for every cache of answers computed from the data: a counter that each write moves.

A cache remembers the version its entries were computed at and empties itself when it sees the counter
move, so no cache has to be cleared by hand after a write, and an entry computed while a write was being
applied (it read the version before the write finished) is never kept after it.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

import cachetools

Value = TypeVar("Value")


class DataVersion:
    """The state of the data as a number: 0 at start, one more after every accepted write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    @property
    def value(self) -> int:
        return self._value

    def bump(self) -> None:
        """Say that the data has changed (the service calls it once a write is applied)."""
        with self._lock:
            self._value += 1


class VersionedCache(Generic[Value]):
    """A cachetools cache (its size and eviction are the cache's own) tied to a DataVersion; thread-safe."""

    def __init__(self, cache: cachetools.Cache[Hashable, Value], version: DataVersion) -> None:
        self._cache = cache
        self.version = version
        self._held = version.value
        self._lock = threading.Lock()

    def _current(self) -> None:
        """Drop everything computed from an older state of the data. Call with the lock held."""
        if self._held != self.version.value:
            self._cache.clear()
            self._held = self.version.value

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            self._current()
            return self._cache.get(key)

    def put(self, key: Hashable, value: Value, seen: int) -> bool:
        """Keep ``value``, computed from the data at version ``seen`` (read it before computing); False when
        the data has moved since, or the value alone is larger than the whole cache."""
        with self._lock:
            self._current()
            if seen != self._held:
                return False
            try:
                self._cache[key] = value
            except ValueError:  # cachetools: larger than maxsize
                return False
            return True

    def __len__(self) -> int:
        with self._lock:
            self._current()
            return len(self._cache)

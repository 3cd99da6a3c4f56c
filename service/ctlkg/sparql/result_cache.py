"""Answers to read queries, kept until the data changes: the store changes only through this service's own
writes (which move the data version), so a repeated query is answered from memory, exactly as it was computed.

Bounded in bytes (least recently used answers go first); answers that depend on more than the data (RAND,
NOW, UUID, STRUUID, BNODE, a SERVICE call) are never kept; a request with ``Cache-Control: no-cache`` (or
``no-store``) is computed afresh. On a remote backend, which others may write to, the cache is off.
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from dataclasses import dataclass

import cachetools

from ctlkg.sparql.data_version import DataVersion, VersionedCache

#: Functions whose value is not a function of the data, and SERVICE anywhere in the text (even where the
#: lexer sees a string or a comment): such a query is answered afresh each time, never kept.
_VOLATILE = re.compile(r"\b(?:RAND|NOW|UUID|STRUUID|BNODE)\s*\(|SERVICE", re.IGNORECASE)


@dataclass(frozen=True)
class Answer:
    """A computed answer: its bytes, its media type, and whether the row cap cut it."""

    body: bytes
    media_type: str
    truncated: bool


def cacheable(query: str, services: tuple[str, ...] | list[str]) -> bool:
    """Whether the answer to ``query`` depends only on the data (and so may be kept)."""
    return not services and _VOLATILE.search(query) is None


def bypassed(cache_control: str | None) -> bool:
    """A client asking for a fresh answer (``Cache-Control: no-cache`` or ``no-store``)."""
    if not cache_control:
        return False
    directives = {part.strip().split("=", 1)[0].lower() for part in cache_control.split(",")}
    return bool(directives & {"no-cache", "no-store"})


class ResultCache:
    """Answers by request key, least recently used first out, at most ``max_bytes`` of bodies in all, and
    none from before the data last changed (``version``)."""

    def __init__(self, max_bytes: int, version: DataVersion | None = None) -> None:
        self.max_bytes = max_bytes
        #: One answer may take at most this much, so a single huge answer cannot flush all the others.
        self.max_answer = max_bytes // 8
        self.version = version if version is not None else DataVersion()
        sized: cachetools.LRUCache[Hashable, Answer] = cachetools.LRUCache(
            maxsize=max(max_bytes, 1), getsizeof=lambda answer: len(answer.body))
        self._answers = VersionedCache(sized, self.version)
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def generation(self) -> int:
        """The data's version now: read it before computing an answer, give it back to ``put``."""
        return self.version.value

    def get(self, key: Hashable) -> Answer | None:
        found = self._answers.get(key)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: Hashable, answer: Answer, generation: int) -> None:
        """Keep ``answer``, computed from the data as it was at ``generation``."""
        if self.enabled and len(answer.body) <= self.max_answer:
            self._answers.put(key, answer, generation)

    def clear(self) -> None:
        """The data changed: forget every answer (and, through the shared version, every other cache's)."""
        self.version.bump()

    def __len__(self) -> int:
        return len(self._answers)

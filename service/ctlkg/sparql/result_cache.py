"""Answers to read queries, kept until the data changes: the store changes only through this service's own
writes (which call ``clear``), so a repeated query is answered from memory, exactly as it was computed.

Bounded in bytes (least recently used answers go first); answers that depend on more than the data (RAND,
NOW, UUID, STRUUID, BNODE, a SERVICE call) are never kept; a request with ``Cache-Control: no-cache`` (or
``no-store``) is computed afresh. On a remote backend, which others may write to, the cache is off.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

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
    """A least-recently-used map from request keys to answers, at most ``max_bytes`` of bodies in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        #: One answer may take at most this much, so a single huge answer cannot flush all the others.
        self.max_answer = max_bytes // 8
        self._lock = threading.Lock()
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._bytes = 0
        #: Bumped by ``clear``: an answer computed before a write finished must not be kept after it.
        self.generation = 0
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: Hashable) -> Answer | None:
        with self._lock:
            found = self._answers.get(key)
            if found is None:
                self.misses += 1
                return None
            self._answers.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: Hashable, answer: Answer, generation: int) -> None:
        """Keep ``answer``, computed from the data as it was at ``generation`` (read it before running)."""
        if not self.enabled or len(answer.body) > self.max_answer:
            return
        with self._lock:
            if generation != self.generation:
                return
            old = self._answers.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._answers[key] = answer
            self._bytes += len(answer.body)
            while self._bytes > self.max_bytes and self._answers:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        """Forget every answer: call it whenever the data changes."""
        with self._lock:
            self._answers.clear()
            self._bytes = 0
            self.generation += 1

    def __len__(self) -> int:
        return len(self._answers)

"""The build's stage clock, shared by the production and the reference pipelines: each stage is named to
the CLI's progress when it starts and timed for the build report when it ends."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Called with a stage name when it starts, so a CLI can show progress.
Progress = Callable[[str], None]
#: Seconds per stage, in the order the stages ran.
Timings = dict[str, float]


class StageClock:
    """Times the stages of one build.

    >>> clock = StageClock()
    >>> with clock.stage("parse"):
    ...     pass
    >>> list(clock.timings)
    ['parse']
    """

    def __init__(self, progress: Progress | None = None, timings: Timings | None = None) -> None:
        self.progress = progress
        self.timings: Timings = timings if timings is not None else {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Announce ``name``, run the block, record its seconds (not when the block raises)."""
        if self.progress is not None:
            self.progress(name)
        start = time.perf_counter()
        yield
        self.timings[name] = time.perf_counter() - start

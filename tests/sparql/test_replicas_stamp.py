"""The stamp watch alone: another service's write moves the version once; this service's own does not."""

from __future__ import annotations

from ctlkg.sparql.data_version import DataVersion
from ctlkg.sparql.replicas import StampWatch


def test_only_another_services_stamp_moves_the_version() -> None:
    version = DataVersion()
    stamps = iter(["theirs-1", "ours", "ours", "theirs-2", None])
    watch = StampWatch(lambda: next(stamps), version, own=lambda: "ours")
    moved = [watch.check() for _ in range(5)]
    assert moved == [True, False, False, True, True]
    assert version.value == 3

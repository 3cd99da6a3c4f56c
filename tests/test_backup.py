"""`ctlkg backup` / `ctlkg restore` round-trip a built store exactly: same quads, same named graphs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

CTLKG = str(Path(sys.executable).with_name("ctlkg"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CTLKG, *args], capture_output=True, text=True, timeout=300, check=False)


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    built, archive, restored = tmp_path / "store", tmp_path / "ctlkg.nq.gz", tmp_path / "restored"
    assert run("build", "--out", str(built)).returncode == 0
    assert run("backup", "--store-dir", str(built), "--out", str(archive)).returncode == 0
    result = run("restore", str(archive), "--store-dir", str(restored))
    assert result.returncode == 0, result.stderr
    original, copy = ox.Store.read_only(str(built)), ox.Store.read_only(str(restored))
    assert set(original) == set(copy)
    assert set(original.named_graphs()) == set(copy.named_graphs())
    assert len(copy) > 5000


def test_restore_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "file").write_text("x", encoding="utf-8")
    missing = run("restore", str(tmp_path / "none.nq.gz"), "--store-dir", str(target))
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr

"""The benchmark end to end at the smallest scale: generate, build, serve, query, write RESULTS.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import bench


@pytest.mark.bench
def test_benchmark_runs_at_scale_nine(tmp_path: Path) -> None:
    bench.main(
        [
            "--scales",
            "9",
            "--reps",
            "1",
            "--load-seconds",
            "1",
            "--timeout",
            "20",
            "--rdflib-up-to",
            "0",
            "--reference-up-to",
            "0",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(tmp_path),
        ]
    )
    results = json.loads((tmp_path / "results.json").read_text())
    entry = results["scales"]["9"]
    assert set(entry["build"]["stages"]) == set(bench.STAGES)
    assert entry["triples"]["data"] > 5000
    serve = entry["serve"]
    for system in ("service", "oxigraph"):
        assert serve[system]["startup"] > 0
        assert serve[system]["load"]["requests"] > 0
        # Every system answers every query with the rows the store gives in process.
        assert serve[system]["timings"]["rows"] == serve["in_process"]["rows"]
    text = (tmp_path / "RESULTS.md").read_text()
    assert "## Targets" in text and "| service |" in text

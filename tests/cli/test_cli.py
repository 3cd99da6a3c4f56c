"""The `ctlkg` console script, run as a user runs it: a subprocess, its exit code, stdout and stderr."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

CTLKG = str(Path(sys.executable).with_name("ctlkg"))
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "cli"


def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CTLKG, *args], capture_output=True, text=True, timeout=timeout, check=False)


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_shipped_data_conforms() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "conforms" in result.stdout


def test_validate_broken_file_exits_1_with_focus_node() -> None:
    result = run("validate", str(FIXTURES / "broken-statistics.ttl"), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    focus = {f["focus_node"] for f in report["findings"]}
    assert "https://w3id.org/lombardia-clusters/id/statistics/broken-2022" in focus
    assert any("add up" in f["message_en"] for f in report["findings"])


def test_validate_text_report_in_italian() -> None:
    result = run("validate", str(FIXTURES / "broken-statistics.ttl"), "--lang", "it")
    assert result.returncode == 1
    assert "broken-2022" in result.stdout
    assert "does not conform" in result.stdout


def test_validate_text_report_summarises_first_with_prefixed_names() -> None:
    result = run("validate")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Summary: 0 violations, ") and " warnings" in lines[0]
    by_shape = [line.split() for line in lines[1 : lines.index("")]]
    assert by_shape and all(cells[0] == "Warning" and cells[2].startswith("ctlsh:") for cells in by_shape)
    total = int(lines[0].split(", ")[1].split()[0])
    assert sum(int(cells[1]) for cells in by_shape) == total
    details = lines.index(next(line for line in lines if line.startswith("Warning ")))
    assert details > len(by_shape), "the details come after the summary"
    assert "(ctl:hasParty|^ctl:partyTo)" in result.stdout, "IRIs inside property paths are shortened too"
    assert "https://w3id.org/" not in result.stdout and "http://www.w3.org/" not in result.stdout


def test_missing_file_is_one_clear_line() -> None:
    result = run("validate", "no/such/file.ttl")
    assert result.returncode == 2
    assert "no/such/file.ttl" in result.stderr
    assert_no_traceback(result)


def test_bad_turtle_names_the_file() -> None:
    result = run("validate", str(Path(__file__)))
    assert result.returncode == 2
    assert "test_cli.py" in result.stderr
    assert_no_traceback(result)


def test_query_csv_lists_nine_clusters() -> None:
    result = run("query", "-e", "SELECT ?c WHERE { ?c a ctl:Cluster } ORDER BY ?c", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 9
    assert rows[0]["c"].endswith("/cluster/afil")


def test_query_with_and_without_inferences() -> None:
    query = "ASK { <https://w3id.org/lombardia-clusters/id/cluster/le2c> ctl:contributesToMission ?m }"
    assert run("query", "-e", query).stdout.strip() == "true"
    assert run("query", "-e", query, "--no-inferred").stdout.strip() == "false"


def test_query_syntax_error_is_reported_without_traceback() -> None:
    result = run("query", "-e", "SELEC ?x WHERE { ?x ?y ?z }")
    assert result.returncode == 2
    assert "syntax" in result.stderr.lower()
    assert_no_traceback(result)


def test_a_named_query_runs_with_its_parameters(tmp_path: Path) -> None:
    """`ctlkg query queries/X.rq` binds the header's defaults (labels, not empty columns); --param sets a
    value, checked against the header; a required one left out, or an unknown one, is a one-line error."""
    store_dir = tmp_path / "store"
    assert run("build", "--out", str(store_dir)).returncode == 0
    root = Path(__file__).resolve().parents[2]
    networks = str(root / "queries" / "shared-networks.rq")

    def rows(*args: str) -> list[dict[str, str]]:
        result = run("query", *args, "--store-dir", str(store_dir), "--format", "csv")
        assert result.returncode == 0, result.stderr
        return list(csv.DictReader(io.StringIO(result.stdout)))

    english = rows(networks)
    assert english and all(r["cluster_a_label"] for r in english) and {r["lang"] for r in english} == {"en"}
    italian = rows(networks, "--param", "lang=it")
    assert {r["lang"] for r in italian} == {"it"} and all(r["cluster_a_label"] for r in italian)
    profile = str(root / "queries" / "cluster-profile.rq")
    lac = rows(profile, "--param", "cluster=https://w3id.org/lombardia-clusters/id/cluster/lac")
    assert {r["cluster"] for r in lac} == {"https://w3id.org/lombardia-clusters/id/cluster/lac"}
    for args, said in (((profile,), "needs --param cluster="), ((networks, "--param", "lang=fr"), "not allowed"),
                       ((networks, "--param", "colour=red"), "has no parameter colour"),
                       (("-e", "ASK {}", "--param", "x=1"), "binds the parameters of a named query")):
        failed = run("query", *args, "--store-dir", str(store_dir))
        assert failed.returncode == 2 and said in failed.stderr, (args, failed.stderr)
        assert_no_traceback(failed)


def test_reason_writes_inferences(tmp_path: Path) -> None:
    target = tmp_path / "inferred.ttl"
    result = run("reason", "--out", str(target))
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(target)
    assert len(graph) > 100
    assert "contributesToMission" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_export_parses(fmt: str) -> None:
    result = subprocess.run([CTLKG, "export", "--format", fmt, "--out", "-"], capture_output=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stderr
    rdflib_format = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[fmt]
    graph = Graph().parse(data=result.stdout, format=rdflib_format)
    assert len(graph) > 1000


def test_export_files_with_gzip_and_graphs(tmp_path: Path) -> None:
    result = run(
        "export", "--format", "nquads", "--format", "turtle", "--inferred", "--gzip", "--out", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ctlkg-inferred.nq.gz", "ctlkg-inferred.ttl.gz"]


def test_export_writes_under_build_by_default(tmp_path: Path) -> None:
    result = subprocess.run([CTLKG, "export"], capture_output=True, text=True, timeout=300, check=False,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()] == [
        "build/dumps/ctlkg.ttl"
    ]


@pytest.mark.parametrize("fmt", ["nquads", "turtle"])
def test_two_exports_of_the_same_data_are_byte_identical(tmp_path: Path, fmt: str) -> None:
    """Each export compiles the data afresh, so its store labels the blank nodes anew."""
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        result = run("export", "--format", fmt, "--inferred", "--out", str(folder))
        assert result.returncode == 0, result.stderr
    (dump,) = list(first.iterdir())
    assert "_:cb" in dump.read_text(encoding="utf-8"), "blank nodes carry their canonical labels"
    assert dump.read_bytes() == (second / dump.name).read_bytes()


def test_stats_in_english_by_default() -> None:
    result = run("stats")
    assert result.returncode == 0, result.stderr
    assert "Lombardy Intelligent Factory Association" in result.stdout
    assert "Lombardy Aerospace Cluster" in result.stdout
    assert "Fabbrica Intelligente" not in result.stdout


def test_stats_shows_all_nine_clusters_in_italian() -> None:
    result = run("stats", "--lang", "it")
    assert result.returncode == 0, result.stderr
    for name in (
        "Fabbrica Intelligente",
        "Agrifood",
        "Mobilità",
        "Scienze della Vita",
        "Ambienti di Vita",
        "Smart Cities",
        "Aerospace",
        "Energy Cleantech",
        "Green Chemistry",
    ):
        assert name in result.stdout


def test_build_then_query_the_store(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    built = run("build", "--out", str(store_dir))
    assert built.returncode == 0, built.stderr
    assert "validate" in built.stderr and "reason" in built.stderr
    result = run(
        "query",
        "--store-dir",
        str(store_dir),
        "-e",
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a ctl:Cluster }",
        "--format",
        "json",
    )
    assert json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"] == "9"

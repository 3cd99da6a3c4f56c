"""`make bench`: generate the scales, build, serve three ways, query, and write benchmarks/RESULTS.md.

    python -m benchmarks.bench --scales real,9,100,1000 --reps 3          # the full run
    python -m benchmarks.bench --quick                                     # CI: real, 9 and 100, few reps

Every measurement that depends on the machine is repeated (``--reps``) and reported as a median; the raw
figures go to benchmarks/results.json, from which report.py writes RESULTS.md and the plot. Everything runs
on loopback, one server at a time, each request loop bounded in time and count.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from benchmarks import report, servers, workload
from ctlkg.rdf import paths
from ctlkg.synth import clusters as synth

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "benchmarks"
STAGES = ("parse", "validate", "reason", "synergies", "store", "optimise")


def _child(command: list[str], log: Path) -> tuple[float, float, str]:
    """Run a command; its wall time, its own peak RSS in MB (wait4's rusage, no sampling) and its output."""
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{text[-2000:]}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024, text


def build(data: Path, store_dir: Path, work: Path, reps: int) -> dict[str, Any]:
    """The fast build, ``reps`` times: stage medians, wall time and peak memory (the worst run)."""
    runs = []
    for rep in range(reps):
        wall, peak, text = _child(
            [sys.executable, "-m", "ctlkg.build.oxigraph", "--data", str(data), "--out", str(store_dir)],
            work / f"build-{rep}.log",
        )
        stages = {
            line.split()[0]: float(line.split()[1])
            for line in text.splitlines()
            if line.startswith("  ") and line.split()[0] in STAGES
        }
        runs.append({"wall": wall, "peak_mb": peak, "stages": stages})
    return {
        "stages": {s: statistics.median(r["stages"].get(s, 0.0) for r in runs) for s in STAGES},
        "total": statistics.median(sum(r["stages"].values()) for r in runs),
        "wall": statistics.median(r["wall"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
    }


REFERENCE = """
import json, sys, time
from pathlib import Path
from ctlkg.rdf import sources as graphs
from ctlkg.reasoning import reference as reasoning
from ctlkg.shacl import reference as validation
t = {}
s = time.perf_counter()
o, d, sh = graphs.load_ontology(), graphs.load_data([Path(sys.argv[1])]), graphs.load_shapes()
t["parse"] = time.perf_counter() - s
s = time.perf_counter(); validation.validate(d, ontology=o, shapes=sh)
t["validate"] = time.perf_counter() - s
s = time.perf_counter(); reasoning.infer(o, d); t["reason"] = time.perf_counter() - s
print("JSON" + json.dumps(t))
"""


def reference(data: Path, work: Path) -> dict[str, Any]:
    """The reference stages (rdflib parse, pyshacl, owlrl), once: the oracle the fast path must equal."""
    wall, peak, text = _child([sys.executable, "-c", REFERENCE, str(data)], work / "reference.log")
    stages = json.loads(next(line[4:] for line in text.splitlines() if line.startswith("JSON")))
    return {"stages": stages, "total": sum(stages.values()), "wall": wall, "peak_mb": peak}


def serve_all(store_dir: Path, work: Path, args: argparse.Namespace, scale: int) -> dict[str, Any]:
    """Oxigraph server first (its timeout tells which queries finish at all), then in process (those only:
    an in-process query cannot be stopped), then the service and rdflib-endpoint: latencies, mixed load,
    start-up and memory."""
    store = ox.Store.read_only(str(store_dir))
    found = workload.queries(store)
    del store
    default, named = servers.export(store_dir, work)
    result: dict[str, Any] = {}
    systems: list[tuple[str, Any]] = [
        ("oxigraph", lambda: servers.oxigraph_server(default, named, work / "oxi", work / "oxigraph.log")),
        ("in_process", None),
        ("service", lambda: servers.service(store_dir, work / "service.log")),
        ("service-uncached", lambda: servers.service(store_dir, work / "uncached.log", cache=False)),
    ]
    if scale <= args.rdflib_up_to and (servers.BIN / "rdflib-endpoint").exists():
        systems.append(
            ("rdflib-endpoint", lambda: servers.rdflib_endpoint(default, named, work / "rdflib.log"))
        )
    mix: list[str] = []
    for name, start in systems:
        if start is None:
            finished = [
                q for q in found if max(result["oxigraph"]["timings"]["sparql"][q.name]) < args.timeout
            ]
            result[name] = workload.in_process(store_dir, finished, args.reps)
            for q in found:
                if q not in finished:
                    result[name]["sparql"][q.name] = [float("inf")]
            continue
        with start() as server:
            api = server.base if name.startswith("service") else None
            rss_start = server.rss_mb()
            # What timed out on Oxigraph server is not sent again: a server keeps evaluating a query whose
            # client gave up, and the queries after it would queue behind it and time out too.
            asked = (
                found
                if name == "oxigraph"
                else [q for q in found if max(result["oxigraph"]["timings"]["sparql"][q.name]) < args.timeout]
            )
            timings = workload.over_http(server.url, asked, args.reps, api_base=api, timeout=args.timeout)
            for q in found:
                timings["sparql"].setdefault(q.name, [float("inf")])
            # The mixed load asks the queries Oxigraph server answers in under a second, 32 at a time.
            mix = mix or [q.sparql for q in found if max(timings["sparql"][q.name]) < 1.0]
            load = workload.mixed_load(server.url, mix, seconds=args.load_seconds)
            result[name] = {
                "startup": server.startup,
                "rss_mb": server.rss_mb(),
                "rss_start_mb": rss_start,
                "timings": timings,
                "load": load,
            }
    return result


def machine() -> dict[str, Any]:
    import pyoxigraph
    import rdflib

    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "nproc": os.cpu_count(),
        "ram_mb": memory,
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
        "platform": platform.platform(),
        "loadavg_start": os.getloadavg(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="real,9,100,1000", help="comma-separated; 'real' is data/")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--load-seconds", type=float, default=10.0)
    parser.add_argument("--rdflib-up-to", type=int, default=100, help="skip rdflib-endpoint above this scale")
    parser.add_argument(
        "--reference-up-to", type=int, default=100, help="skip pyshacl/owlrl above this scale"
    )
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--quick", action="store_true", help="real, 9 and 100; 2 reps; 3 s of load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before a request counts as failed"
    )
    parser.add_argument("--build-only", action="store_true", help="generate and build, serve nothing")
    parser.add_argument("--build-reps", type=int, help="repetitions of the build (default: --reps)")
    parser.add_argument("--merge", action="store_true", help="add to the scales of an earlier results.json")
    args = parser.parse_args(argv)
    if args.quick:
        args.scales, args.reps, args.load_seconds, args.reference_up_to = "real,9,100", 2, 3.0, 9
        args.rdflib_up_to, args.timeout = 9, 10.0
    results: dict[str, Any] = {
        "machine": machine(),
        "scales": {},
        "args": vars(args) | {"work": str(args.work), "out": str(args.out)},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    if args.merge and (args.out / "results.json").exists():
        results["scales"] = json.loads((args.out / "results.json").read_text())["scales"]
    for label in args.scales.split(","):
        scale = 9 if label == "real" else int(label)
        work = args.work / label
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        print(f"== {label}", flush=True)
        data = paths.DATA_DIR if label == "real" else work / "data"
        entry: dict[str, Any] = {"clusters": scale}
        if label != "real":
            summary = synth.generate(data, scale, args.seed)
            entry["generate"] = summary.seconds
        store_dir = work / "store"
        entry["build"] = build(data, store_dir, work, args.build_reps or args.reps)
        counts = ox.Store.read_only(str(store_dir))
        entry["triples"] = {
            str(g.value).rsplit("/", 1)[-1]: sum(1 for _ in counts.quads_for_pattern(None, None, None, g))
            for g in counts.named_graphs()
        }
        del counts
        if scale <= args.reference_up_to:
            entry["reference"] = reference(data, work)
        if not args.build_only:
            entry["serve"] = serve_all(store_dir, work, args, scale)
        results["scales"][label] = entry
        (args.out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    results["machine"]["loadavg_end"] = os.getloadavg()
    (args.out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    notes = HERE / "NOTES.md"
    report.write(results, args.out, notes.read_text(encoding="utf-8") if notes.exists() else "")
    print(f"wrote {args.out / 'RESULTS.md'}")


if __name__ == "__main__":
    main()

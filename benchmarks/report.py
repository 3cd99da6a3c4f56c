"""benchmarks/RESULTS.md and the plot, written from the raw figures of bench.py (benchmarks/results.json).

python -m benchmarks.report    # rewrite RESULTS.md and the plot from results.json, without measuring
"""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: The service twice: as shipped (answers kept until the next write) and with no answer kept.
SYSTEMS = ("service", "service-uncached", "oxigraph", "rdflib-endpoint")
STAGES = ("parse", "validate", "reason", "synergies", "store", "optimise")


def _ms(seconds: float | None) -> str:
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return "–"
    return "timeout" if math.isinf(seconds) else f"{seconds * 1000:.1f}"


def _p(samples: list[float] | None, q: float) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b or math.isinf(a) or math.isinf(b) else f"{a / b:.2f}"


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("**met**" if ok else "**not met**")


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(target, figure, where, met) for every target of issue 5 that the run measured."""
    rows: list[tuple[str, str, str, bool | None]] = []
    scales = results["scales"]
    if "real" in scales:
        total = scales["real"]["build"]["total"]
        rows.append(
            (
                "build, the nine real clusters ≤ 3 s",
                f"{total:.2f} s (stages; {scales['real']['build']['wall']:.2f} s with interpreter start)",
                "real",
                total <= 3,
            )
        )
    for label, limit, memory in (("1000", 60, 2048), ("10000", 600, None)):
        if label in scales:
            b = scales[label]["build"]
            rows.append(
                (
                    f"build, {int(label):,} clusters ≤ {limit} s",
                    f"{b['total']:.1f} s",
                    label,
                    b["total"] <= limit,
                )
            )
            if memory:
                rows.append(
                    (
                        f"build peak memory, {int(label):,} clusters ≤ 2 GB",
                        f"{b['peak_mb']:.0f} MB",
                        label,
                        b["peak_mb"] <= memory,
                    )
                )
    served = [s for s in scales if "serve" in scales[s]]
    big = "1000" if "1000" in served else max(served, key=lambda s: scales[s]["clusters"])
    serve = scales[big]["serve"]
    for name, limit in (
        ("synergies-all-pairs", 0.1),
        ("synergies-top-100", 0.1),
        ("synergies-one-cluster", 0.02),
    ):
        inproc = statistics.median(serve["in_process"]["sparql"][name])
        service = serve.get("service", {}).get("timings", {})
        http = service.get("sparql", {}).get(name)
        api = service.get("api", {}).get(name)
        first = service.get("api_first", {}).get(name)
        measured = (
            f"{_ms(statistics.median(api))} ms from /api/synergies (first answer {_ms(first)} ms); "
            if api and first is not None
            else ""
        )
        rows.append(
            (
                f"{name} ≤ {limit * 1000:.0f} ms",
                measured + f"SPARQL on the synergies graph: {inproc * 1000:.1f} ms in process, "
                f"{_ms(statistics.median(http)) if http else '–'} ms over HTTP",
                big,
                statistics.median(api) <= limit if api else inproc <= limit,
            )
        )
    rows += _peer_targets(serve, big)
    if "service" in serve:
        computed = "service-uncached" if "service-uncached" in serve else "service"
        for kind in ("named", "sparql"):
            inproc, http = serve["in_process"][kind], serve[computed]["timings"][kind]
            met = [
                statistics.median(http[q]) <= 1.1 * statistics.median(inproc[q]) + 0.001
                for q in http
                if q in inproc and not math.isinf(statistics.median(inproc[q]))
            ]
            rows.append(
                (
                    f"{kind} query over HTTP ≤ in process + 1 ms + 10 % ({computed}: each answer computed)",
                    f"{sum(met)} of {len(met)} queries",
                    big,
                    all(met) if met else None,
                )
            )
        rows.append(
            (
                "start-up from a built store ≤ 3 s",
                f"{serve['service']['startup']:.2f} s",
                big,
                serve["service"]["startup"] <= 3,
            )
        )
        rows.append(
            (
                "memory serving ≤ 600 MB RSS (after start-up)",
                f"{serve['service'].get('rss_start_mb', float('nan')):.0f} MB",
                big,
                None if "rss_start_mb" not in serve["service"] else serve["service"]["rss_start_mb"] <= 600,
            )
        )
        rows.append(
            (
                "memory serving ≤ 600 MB RSS (after all queries and the load)",
                f"{serve['service']['rss_mb']:.0f} MB",
                big,
                serve["service"]["rss_mb"] <= 600,
            )
        )
    return rows


def _median_latency(serve: dict[str, Any], system: str, names: list[str]) -> float | None:
    """The median, over the named queries, of one system's median latency (a query it failed is infinite)."""
    if system not in serve:
        return None
    timings = serve[system]["timings"]["sparql"]
    values = [statistics.median(timings.get(n) or [float("inf")]) for n in names]
    return statistics.median(values) if values else None


def _peer_targets(serve: dict[str, Any], big: str) -> list[tuple[str, str, str, bool | None]]:
    """The service against Oxigraph server and rdflib-endpoint: median latency on the named-query set, and
    throughput under the mixed load; for the service as shipped and with no answer kept."""
    rows: list[tuple[str, str, str, bool | None]] = []
    names = [n for n in serve["in_process"]["sparql"] if not n.startswith("synergies-")]
    oxigraph = _median_latency(serve, "oxigraph", names)
    rdflib = _median_latency(serve, "rdflib-endpoint", names)
    for system in ("service", "service-uncached"):
        mine = _median_latency(serve, system, names)
        if mine is None:
            continue
        for peer, latency, factor in (("Oxigraph server", oxigraph, 5), ("rdflib-endpoint", rdflib, 50)):
            if latency is None or math.isinf(mine):
                continue
            speedup = latency / mine
            rows.append((
                f"{system}: median latency on the named queries ≥ {factor}x better than {peer}",
                f"{_ms(mine)} vs {_ms(latency)} ms: {speedup:.1f}x",
                big,
                speedup >= factor,
            ))
        if "oxigraph" in serve:
            own, peer_load = serve[system]["load"], serve["oxigraph"]["load"]
            ratio = own["throughput"] / peer_load["throughput"] if peer_load["throughput"] else math.inf
            errors = own.get("errors", 0)
            rows.append((
                f"{system}: throughput, 32 clients, ≥ 2x Oxigraph server's, no errors",
                f"{own['throughput']:.0f} vs {peer_load['throughput']:.0f} req/s: {ratio:.1f}x, "
                f"{errors} errors",
                big,
                ratio >= 2 and errors == 0,
            ))
    return rows


def _scale_section(label: str, entry: dict[str, Any]) -> list[str]:
    lines = [
        "\n## "
        + ("The nine real clusters (data/)" if label == "real" else f"{int(label):,} synthetic clusters")
        + "\n"
    ]
    lines.append(
        "Triples per graph: " + ", ".join(f"{g} {n:,}" for g, n in sorted(entry["triples"].items())) + ".\n"
    )
    lines.append(
        "| build stage | fast path (s, median) | reference: rdflib, pyshacl, owlrl (s) |\n| --- | --- | --- |"
    )
    ref = entry.get("reference", {}).get("stages", {})
    for stage in STAGES:
        fast = entry["build"]["stages"].get(stage)
        lines.append(
            f"| {stage} | {fast:.2f} | {ref[stage]:.2f} |"
            if stage in ref
            else f"| {stage} | {fast:.2f} | – |"
        )
    lines.append(
        f"| **total** | **{entry['build']['total']:.2f}** (peak {entry['build']['peak_mb']:.0f} MB) | "
        + (
            f"**{entry['reference']['total']:.2f}** (peak {entry['reference']['peak_mb']:.0f} MB) |"
            if "reference" in entry
            else "not run at this scale |"
        )
    )
    if "serve" not in entry:
        return [*lines, "\nBuilt only: serving was not measured at this scale (see the notes).\n"]
    serve = entry["serve"]
    present = [s for s in SYSTEMS if s in serve]
    lines.append(
        "\nPer query, p50 / p95 in ms (SPARQL text, example values inlined; *in process* is the built "
        "store opened read-only in the benchmark's own process).\n"
    )
    header = ["query", "rows", "in process", *present, "service / oxigraph", "uncached / oxigraph",
              "service / rdflib-endpoint"]
    lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for name, samples in serve["in_process"]["sparql"].items():
        rows = serve["in_process"].get("rows", {}).get(name)
        cells = [str(rows), f"{_ms(_p(samples, 0.5))} / {_ms(_p(samples, 0.95))}"]
        medians = {}
        for system in present:
            s = serve[system]["timings"]["sparql"].get(name)
            medians[system] = _p(s, 0.5)
            other = serve[system]["timings"].get("rows", {}).get(name)
            wrong = " (≠ rows)" if other is not None and other != rows else ""
            cells.append(f"{_ms(_p(s, 0.5))} / {_ms(_p(s, 0.95))}{wrong}" if s else "–")
        cells += [
            _ratio(medians.get("service"), medians.get("oxigraph")),
            _ratio(medians.get("service-uncached"), medians.get("oxigraph")),
            _ratio(medians.get("service"), medians.get("rdflib-endpoint")),
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    computed = "service-uncached" if "service-uncached" in serve else "service"
    if computed in serve and serve[computed]["timings"]["named"]:
        lines.append(
            "\nNamed queries through the service's API (`/api/queries/…`, no answer kept) against the same "
            "call in process (`EmbeddedBackend.select` with the bound values), p50 in ms:\n"
        )
        lines += ["| query | in process | over HTTP | overhead |", "| --- | --- | --- | --- |"]
        for name, samples in serve[computed]["timings"]["named"].items():
            a, b = _p(serve["in_process"]["named"].get(name), 0.5), _p(samples, 0.5)
            lines.append(
                f"| {name} | {_ms(a)} | {_ms(b)} | {_ms(b - a) if a is not None and b is not None else '–'} |"
            )
    lines.append(
        "\nMixed load: 32 concurrent clients on `/sparql` (the queries under a second in process), "
        "bounded in time and count.\n"
    )
    lines += [
        "| system | start-up (s) | RSS (MB) | requests | errors | throughput (req/s) | p50 (ms) | p95 (ms) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for system in present:
        s = serve[system]
        lines.append(
            f"| {system} | {s['startup']:.2f} | {s['rss_mb']:.0f} | {s['load']['requests']} | "
            f"{s['load'].get('errors', '–')} | {s['load']['throughput']:.1f} | {_ms(s['load']['p50'])} | "
            f"{_ms(s['load']['p95'])} |"
        )
    return lines


def plot(results: dict[str, Any], out: Path) -> Path | None:
    """Cost against scale: each build stage (fast and reference) and each system's median query time."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    scales = {label: e for label, e in results["scales"].items() if label != "real"}
    if not scales:
        return None
    xs = [e["clusters"] for e in scales.values()]
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for stage in STAGES:
        left.plot(
            xs,
            [max(e["build"]["stages"].get(stage, 0), 1e-3) for e in scales.values()],
            marker="o",
            label=stage,
        )
    for stage in ("parse", "validate", "reason"):
        pts = [(e["clusters"], e["reference"]["stages"][stage]) for e in scales.values() if "reference" in e]
        if pts:
            left.plot(*zip(*pts, strict=True), marker="x", linestyle="--", label=f"{stage} (reference)")
    left.set(xscale="log", yscale="log", xlabel="clusters", ylabel="seconds", title="build, per stage")
    left.legend(fontsize=7)
    for system in ("in_process", *SYSTEMS):
        pts = []
        for e in scales.values():
            timings = e.get("serve", {}).get(system, {})
            sparql = (
                timings.get("sparql") if system == "in_process" else timings.get("timings", {}).get("sparql")
            )
            if sparql:
                finite = [
                    statistics.median(s) for s in sparql.values() if not math.isinf(statistics.median(s))
                ]
                pts.append((e["clusters"], statistics.median(finite)))
        if pts:
            right.plot(*zip(*pts, strict=True), marker="o", label=system.replace("_", " "))
    right.set(
        xscale="log",
        yscale="log",
        xlabel="clusters",
        ylabel="seconds",
        title="median query time over all queries",
    )
    right.legend(fontsize=8)
    figure.tight_layout()
    path = out / "cost-vs-scale.png"
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def write(results: dict[str, Any], out: Path, notes: str = "") -> Path:
    m = results["machine"]
    lines = [
        "# Benchmarks: synthetic data, fast build, service vs Oxigraph server vs rdflib-endpoint\n",
        "Written by `make bench` (`python -m benchmarks.bench`); raw figures in `results.json`. "
        "Medians over repeated runs; the machine is shared, so read them as magnitudes.\n",
        f"Machine: {m['nproc']} cores, {m['ram_mb']:,} MB RAM, Python {m['python']}, pyoxigraph "
        f"{m['pyoxigraph']}, rdflib {m['rdflib']}; load average at start {m['loadavg_start'][0]:.2f}"
        + (f", at end {m['loadavg_end'][0]:.2f}" if "loadavg_end" in m else "")
        + f" ({m['platform']}).\n",
        "## Targets\n",
        "| target | measured | scale | verdict |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {t} | {fig} | {where} | {_verdict(ok)} |" for t, fig, where, ok in targets(results)]
    if notes:
        lines.append("\n" + notes.strip() + "\n")
    for label, entry in results["scales"].items():
        lines += _scale_section(label, entry)
    if (picture := plot(results, out)) is not None:
        lines.append(f"\n![cost against scale]({picture.name})\n")
    path = out / "RESULTS.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    data = json.loads((HERE / "results.json").read_text())
    notes_file = HERE / "NOTES.md"
    write(data, HERE, notes_file.read_text() if notes_file.exists() else "")

"""The `ctlkg` command line: one Typer app; each command is a thin shell over a module that does the work."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer

from ctlkg.build import exports, store
from ctlkg.build import oxigraph as fastbuild
from ctlkg.build import reference as pipeline
from ctlkg.cli import bindings, report_text
from ctlkg.cli.backup import backup, restore
from ctlkg.cli.console import err, open_store, out, print_table, progress
from ctlkg.cli.synergies import synergies
from ctlkg.cli.synth import synth
from ctlkg.errors import CtlkgError, ValidationFailed
from ctlkg.rdf import namespaces
from ctlkg.rdf import sources as graphs
from ctlkg.shacl.reference import ValidationReport, validate
from ctlkg.synergy import graph as synergy_graph

app = typer.Typer(
    help="The open knowledge graph of the Cluster Tecnologici Lombardi.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    turtle = "turtle"


class ResultFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    xml = "xml"


class Lang(StrEnum):
    en = "en"
    it = "it"


class ExportFormat(StrEnum):
    turtle = "turtle"
    ntriples = "ntriples"
    nquads = "nquads"
    trig = "trig"
    jsonld = "jsonld"
    rdfxml = "rdfxml"


def _print_report(report: ValidationReport, fmt: ReportFormat, lang: str) -> None:
    if fmt is ReportFormat.json:
        sys.stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
        return
    if fmt is ReportFormat.turtle:
        sys.stdout.write(report.report_graph.serialize(format="turtle"))
        return
    report_text.print_text(report, lang)


@app.command("validate")
def validate_cmd(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Turtle files or folders (default: data/).")
    ] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="Report format.")] = ReportFormat.text,
    lang: Annotated[str, typer.Option(help="Language of the messages: en or it.")] = "en",
    reference: Annotated[bool, typer.Option("--reference", help="Validate with pyshacl (slow).")] = False,
) -> None:
    """Validate data against the SHACL shapes; exit code 1 when a shape is violated.

    The shapes run as SPARQL inside Oxigraph, with pyshacl's verdicts (which `--reference` uses instead)."""
    if reference:
        ontology = graphs.load_ontology()
        report = validate(graphs.load_data(paths), ontology=ontology, shapes=graphs.load_shapes())
    else:
        try:
            _, checked, _ = fastbuild.compile_store(paths, reason=False, synergies=False)
        except ValidationFailed as failed:
            checked = failed.args[0]  # the report of the shapes it breaks
        assert checked is not None  # compile_store checks, so it always reports
        report = checked
    _print_report(report, fmt, lang)
    raise typer.Exit(0 if report.conforms else 1)


@app.command()
def reason(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Turtle files or folders (default: data/).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write the inferred triples here (Turtle).")
    ] = None,
    reference: Annotated[bool, typer.Option("--reference", help="Reason with owlrl (slow).")] = False,
) -> None:
    """Compute the OWL RL inferences and write them apart from the asserted data.

    The rules run as SPARQL inside Oxigraph, with owlrl's inferences (which `--reference` uses instead)."""
    if reference:
        compiled = pipeline.compile_graphs(paths, check=False, progress=progress)
        text, count = compiled.inferred.serialize(format="turtle"), len(compiled.inferred)
    else:
        db, _, _ = fastbuild.compile_store(paths, check=False, synergies=False, progress=progress)
        inferred = [ox.Triple(q.subject, q.predicate, q.object)
                    for q in db.quads_for_pattern(None, None, None, ox.NamedNode(namespaces.GRAPH_INFERRED))]
        written = ox.serialize(inferred, format=ox.RdfFormat.TURTLE, prefixes=namespaces.PREFIXES)
        text = (written or b"").decode()
        count = len(inferred)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"{count} inferred triples written to {output}")


@app.command()
def build(
    data: Annotated[
        list[Path] | None, typer.Option("--data", help="Data folder or files (default: data/).")
    ] = None,
    output: Annotated[Path, typer.Option("--out", help="Store directory to create.")] = Path("build/store"),
    reference: Annotated[
        bool, typer.Option("--reference", help="Validate with pyshacl and reason with owlrl (slow).")
    ] = False,
) -> None:
    """Parse, validate, reason and write an on-disk Oxigraph store that `ctlkg serve --store-dir` opens.

    The checks and the OWL RL closure run as SPARQL inside Oxigraph, with the same results as pyshacl
    and owlrl (which `--reference` uses instead); the store replaces `--out` only once it is complete."""
    if reference:
        compiled = pipeline.compile_graphs(data, progress=progress)
        progress("store")
        db = store.build_store(compiled, output)
        progress("synergies")
        synergy_graph.materialise(db)
        timings = compiled.timings
        sizes = {name: store.count_triples(db, iri) for name, iri in store.ALL_GRAPHS.items()}
        warnings = len(compiled.report.by_severity("Warning")) if compiled.report is not None else 0
    else:
        built = fastbuild.fast_build(data, output, progress=progress)
        timings = built.timings
        sizes = {name: built.sizes.get(iri, 0) for name, iri in store.ALL_GRAPHS.items()}
        warnings = len(built.report.by_severity("Warning")) if built.report is not None else 0
    for stage, seconds in timings.items():
        err.print(f"  {stage:<9} {seconds:7.2f} s")
    err.print(f"  {'total':<9} {sum(timings.values()):7.2f} s")
    err.print(f"Conforms to the shapes ({warnings} warnings; `ctlkg validate` lists them)")
    err.print("Built " + str(output) + ": " + ", ".join(f"{n} {c}" for n, c in sizes.items()) + " triples")


@app.command()
def query(
    file: Annotated[Path | None, typer.Argument(help="A .rq file.")] = None,
    expression: Annotated[str | None, typer.Option("-e", "--expression", help="The query text.")] = None,
    fmt: Annotated[ResultFormat, typer.Option("--format", help="Output format.")] = ResultFormat.table,
    inferred: Annotated[bool, typer.Option(help="Include the OWL RL inferences.")] = True,
    store_dir: Annotated[Path | None, typer.Option("--store-dir", help="A built store.")] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", help="Data folder or files.")] = None,
    param: Annotated[list[str] | None, typer.Option(
        "--param", help="NAME=VALUE for a parameter of a named query (repeat); others take their defaults.",
    )] = None,
) -> None:
    """Run a SPARQL query over the graph (union of ontology, data and, by default, inferences). A named
    query of queries/ runs with its parameters bound: --param values, else the defaults of its header."""
    if (file is None) == (expression is None):
        raise CtlkgError("give either a query file or -e QUERY, not both or neither")
    text = expression if expression is not None else Path(file).read_text(encoding="utf-8")  # type: ignore[arg-type]
    bound = bindings.bound(Path(file) if file is not None and text.startswith("#+") else None, param or [])
    db = open_store(store_dir, data)
    try:
        result = db.query(
            text, default_graph=store.query_default_graph(inferred=inferred), prefixes=namespaces.PREFIXES,
            substitutions=bound or None,
        )
    except SyntaxError as exc:
        raise CtlkgError(f"query syntax error: {exc}") from exc
    if isinstance(result, ox.QueryBoolean):
        sys.stdout.write(("true" if bool(result) else "false") + "\n")
    elif isinstance(result, ox.QueryTriples):
        sys.stdout.write(
            (ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=namespaces.PREFIXES) or b"").decode()
        )
    elif fmt is ResultFormat.table:
        print_table(result)
    else:
        formats = {
            "csv": ox.QueryResultsFormat.CSV,
            "tsv": ox.QueryResultsFormat.TSV,
            "json": ox.QueryResultsFormat.JSON,
            "xml": ox.QueryResultsFormat.XML,
        }
        sys.stdout.write((result.serialize(format=formats[fmt.value]) or b"").decode())


@app.command("export")
def export_cmd(
    fmt: Annotated[list[ExportFormat], typer.Option("--format", help="Repeat for several formats.")] = [  # noqa: B006
        ExportFormat.turtle
    ],
    inferred: Annotated[bool, typer.Option("--inferred", help="Include the OWL RL inferences.")] = False,
    gzip_: Annotated[bool, typer.Option("--gzip", help="Compress the files.")] = False,
    output: Annotated[
        str, typer.Option("--out", help="Folder for the dump files, or - for stdout (one format).")
    ] = "build/dumps",
    store_dir: Annotated[Path | None, typer.Option("--store-dir", help="A built store.")] = None,
) -> None:
    """Export the dataset as Turtle, N-Triples, N-Quads (graphs kept), TriG, JSON-LD or RDF/XML.

    Files go under build/ (ignored by git) unless told otherwise; blank nodes get canonical labels, so
    exporting the same data twice gives the same bytes."""
    db = open_store(store_dir, None)
    if output == "-":
        if len(fmt) != 1:
            raise CtlkgError("several formats need --out FOLDER")
        sys.stdout.buffer.write(exports.serialize(db, fmt[0].value, inferred=inferred))
        return
    formats = [f.value for f in fmt]
    for path in exports.write_dumps(db, Path(output), formats, inferred=inferred, compressed=gzip_):
        err.print(f"wrote {path} ({path.stat().st_size} bytes)")


STATS_PER_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?instances)
WHERE { ?s a ?class . FILTER(STRSTARTS(STR(?class), STR(ctl:))) }
GROUP BY ?class ORDER BY DESC(?instances) ?class
"""
STATS_PER_CLUSTER = """
SELECT ?cluster ?label ?members
  (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?network) AS ?networks)
  (COUNT(DISTINCT ?ecosystem) AS ?ecosystems) (COUNT(DISTINCT ?area) AS ?areas)
  (COUNT(DISTINCT ?component) AS ?pnrr_components)
WHERE {
  ?cluster a ctl:Cluster ; rdfs:label ?label ; ctl:hasStatistics/ctl:totalMembers ?members .
  FILTER(LANG(?label) = "$lang")
  OPTIONAL { ?cluster ctl:hasProject ?project }
  OPTIONAL { ?cluster ctl:participatesInNetwork ?network }
  OPTIONAL { ?cluster ctl:coversEcosystem ?ecosystem }
  OPTIONAL { ?cluster ctl:hasTechnologyArea ?area }
  OPTIONAL { ?cluster ctl:contributesToComponent ?component }
} GROUP BY ?cluster ?label ?members ORDER BY ?label
"""


@app.command()
def stats(
    store_dir: Annotated[Path | None, typer.Option("--store-dir", help="A built store.")] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", help="Data folder or files.")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the cluster labels.")] = Lang.en,
) -> None:
    """Counts per class and per cluster (inferences included)."""
    db = open_store(store_dir, data)
    for name, iri in store.ALL_GRAPHS.items():
        out.print(f"{name:<9} {store.count_triples(db, iri):>7} triples")
    # The language is one of the enum's values, so putting it in the text cannot inject anything.
    for text in (STATS_PER_CLASS, STATS_PER_CLUSTER.replace("$lang", lang.value)):
        result = db.query(text, default_graph=store.query_default_graph(), prefixes=namespaces.PREFIXES)
        assert isinstance(result, ox.QuerySolutions)
        print_table(result)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default 8000).")] = None,
    store_dir: Annotated[
        Path | None, typer.Option("--store-dir", help="A store built by `ctlkg build`.")
    ] = None,
    endpoint: Annotated[
        str | None, typer.Option(help="Answer from this remote SPARQL query endpoint.")
    ] = None,
    update_endpoint: Annotated[
        str | None, typer.Option("--update-endpoint", help="The remote engine's SPARQL Update endpoint.")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="A TOML settings file.")] = None,
    in_memory: Annotated[
        bool | None,
        typer.Option("--in-memory/--on-disk", help="With --store-dir: copy the store into each query "
                     "worker's memory (faster queries, more memory; default on disk)."),
    ] = None,
    write_token: Annotated[
        str | None,
        typer.Option(
            "--write-token",
            help="Accept updates at /sparql/update with this bearer token "
            "(CTLKG_WRITE_TOKEN keeps it out of the process list).",
        ),
    ] = None,
) -> None:
    """Run the web service: SPARQL endpoint, pages, linked data, dumps (in memory from data/ by default)."""
    from ctlkg.config import load_settings
    from ctlkg.web import app as server  # imported here so the other commands start without the web stack

    settings = load_settings(
        config,
        {
            "host": host,
            "port": port,
            "store_dir": store_dir,
            "endpoint": endpoint,
            "update_endpoint": update_endpoint,
            "write_token": write_token,
            "in_memory": in_memory,
        },
    )
    server.serve(settings)


@app.command()
def load(
    endpoint: Annotated[
        str | None, typer.Option(help="SPARQL Update endpoint of the engine (e.g. http://host:7878/update).")
    ] = None,
    gsp: Annotated[
        str | None, typer.Option(help="Graph Store Protocol endpoint; each graph is PUT there instead.")
    ] = None,
    data: Annotated[list[Path] | None, typer.Option("--data", help="Data folder or files.")] = None,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Refuse data that breaks a shape.")
    ] = True,
) -> None:
    """Push the validated ontology, shapes, data and inferences to a SPARQL engine, one named graph each."""
    from ctlkg.build import remote_load as loader

    compiled = pipeline.compile_graphs(data, check=check, progress=progress)
    graphs = loader.graphs_of(compiled)
    progress("synergies")
    db = store.build_store(compiled)
    synergy_graph.materialise(db)
    graphs[namespaces.GRAPH_SYNERGIES] = list(
        ox.Triple(q.subject, q.predicate, q.object)
        for q in db.quads_for_pattern(None, None, None, ox.NamedNode(namespaces.GRAPH_SYNERGIES))
    )
    progress("load")
    loader.push(graphs, update_endpoint=endpoint, gsp=gsp)
    sizes = ", ".join(f"{name} {len(graphs[iri])}" for name, iri in store.ALL_GRAPHS.items())
    err.print(f"Loaded into {gsp or endpoint}: {sizes} triples")


app.command()(synergies)
app.command()(synth)
app.command()(backup)
app.command()(restore)


def main() -> None:
    """Entry point: run the app, turning our errors into one line and an exit code instead of a traceback."""
    try:
        app()
    except ValidationFailed as exc:
        report = exc.args[0]
        _print_report(report, ReportFormat.text, "en")
        sys.exit(1)
    except CtlkgError as exc:
        err.print(f"[red]error:[/red] {exc}", soft_wrap=True)  # one line, however narrow the terminal
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)

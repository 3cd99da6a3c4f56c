"""The synthetic data: the same bytes for a seed, conformant to our shapes, figures that add up, sizes that scale."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import typer
from rdflib import RDF, Graph, URIRef
from typer.testing import CliRunner

from ctlkg.build import oxigraph as fastbuild
from ctlkg.cli.synth import synth as synth_command
from ctlkg.errors import ValidationFailed
from ctlkg.rdf import sources as graphs
from ctlkg.rdf.namespaces import CTL
from ctlkg.shacl.reference import validate
from ctlkg.synth import clusters as synth


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.ttl"))}


@pytest.fixture(scope="module")
def nine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "nine"
    synth.generate(out, 9, seed=7)
    return out


def test_same_seed_same_bytes(nine: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    synth.generate(again, 9, seed=7)
    assert _files(again) == _files(nine)


def test_another_seed_other_data(nine: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    synth.generate(other, 9, seed=8)
    assert _files(other) != _files(nine)
    assert _files(other).keys() == _files(nine).keys()


def test_counted_triples_match_the_files(nine: Path) -> None:
    summary = synth.generate(nine.with_name("recount"), 9, seed=7)
    assert summary.triples == len(graphs.load_data([nine.with_name("recount")]))


# Nine clusters through pyshacl, thirty through the compiled shapes that `ctlkg build` runs (the
# equivalence tests hold the two to the same verdicts; pyshacl would take 18 s on thirty).
@pytest.mark.parametrize(("clusters", "reference"), [(9, True), (30, False)], ids=["9-clusters", "30-clusters"])
def test_conforms_to_the_shapes(clusters: int, reference: bool, tmp_path: Path) -> None:
    synth.generate(tmp_path, clusters, seed=clusters)
    if reference:
        report = validate(
            graphs.load_data([tmp_path]), ontology=graphs.load_ontology(), shapes=graphs.load_shapes()
        )
    else:
        try:
            _, checked, _ = fastbuild.compile_store([tmp_path], reason=False, synergies=False)
        except ValidationFailed as failed:
            checked = failed.args[0]
        assert checked is not None
        report = checked
    violations = [f"{f.focus_node} {f.source_shape}: {f.message_en}" for f in report.by_severity("Violation")]
    assert report.conforms, "\n".join(violations[:20])
    # Warnings come only from the copied vocabularies (concepts without a definition), never from generated data.
    assert {f.source_shape.rsplit("#", 1)[1] for f in report.by_severity("Warning")} <= {
        "ConceptDefinitionRecommendation"
    }


def test_statistics_count_the_members_and_the_region_sums_them(nine: Path) -> None:
    data = graphs.load_data([nine])
    categories = {
        CTL.Company: CTL.companyCount,
        CTL.ResearchOrganisation: CTL.researchOrganisationCount,
        CTL.OtherEntity: CTL.otherEntityCount,
    }
    totals: Counter[URIRef] = Counter()
    for cluster in data.subjects(RDF.type, CTL.Cluster):
        stats = data.value(cluster, CTL.hasStatistics)
        members = list(data.subjects(CTL.memberOf, cluster))
        assert 40 <= len(members) <= 140
        for cls, count in categories.items():
            held = sum(1 for m in members if (m, RDF.type, cls) in data)
            assert int(data.value(stats, count)) == held  # type: ignore[call-overload]
            totals[count] += held
        assert int(data.value(stats, CTL.totalMembers)) == len(members)  # type: ignore[call-overload]
    region = next(iter(data.subjects(RDF.type, CTL.RegionalStatistics)))
    for count, total in totals.items():
        assert int(data.value(region, count)) == total  # type: ignore[call-overload]


def test_networks_are_shared_with_a_skew(tmp_path: Path) -> None:
    synth.generate(tmp_path, 100, seed=1)
    data = graphs.load_data([tmp_path])
    joined = Counter(data.objects(None, CTL.participatesInNetwork))
    ranked = [n for _, n in joined.most_common()]
    # Zipf-like: the most popular network has many times the clusters of the median one.
    assert ranked[0] >= 5 * ranked[len(ranked) // 2]
    assert len(set(data.subjects(CTL.listsComponent, None))) > 100  # SINERGIE blocks listing PNRR components


def test_triples_grow_with_the_clusters(tmp_path: Path) -> None:
    small = synth.generate(tmp_path / "10", 10, seed=1).triples
    large = synth.generate(tmp_path / "100", 100, seed=1).triples
    per_cluster = (large - small) / 90
    assert 450 <= per_cluster <= 650  # about half a thousand triples a cluster, like MEASUREMENTS.md's graphs
    assert 6 < large / small < 11  # the copied vocabularies are a fixed cost


def test_command_writes_the_folder(tmp_path: Path) -> None:
    app = typer.Typer()
    app.command()(synth_command)
    result = CliRunner().invoke(app, ["--clusters", "3", "--seed", "2", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out" / "clusters").iterdir()) == [
        "cl-00001.ttl",
        "cl-00002.ttl",
        "cl-00003.ttl",
    ]
    assert len(Graph().parse(tmp_path / "out" / "region.ttl", format="turtle")) > 0

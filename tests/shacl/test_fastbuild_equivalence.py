"""The fast build path against the reference: the same inferences as owlrl, the same verdicts as pyshacl,
the same synergy triples as synergy_graph, on the real data and on small synthetic graphs, broken ones too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import test_shapes
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ctlkg.build import oxigraph as fastbuild
from ctlkg.errors import ValidationFailed
from ctlkg.rdf import namespaces
from ctlkg.rdf import sources as graphs
from ctlkg.reasoning import reference as reasoning
from ctlkg.reasoning import rules
from ctlkg.shacl import compiled as fastcheck
from ctlkg.shacl.reference import ValidationReport, load_ontology, load_shapes, validate
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.synergy import blocks as fastsynergy
from ctlkg.synergy import graph as synergy_graph
from ctlkg.synergy import scores as synergy
from ctlkg.synth import clusters as synth

ONTOLOGY, DATA, INFERRED = namespaces.GRAPH_ONTOLOGY, namespaces.GRAPH_DATA, namespaces.GRAPH_INFERRED
CTL = namespaces.CTL
PREFIXES = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in namespaces.PREFIXES.items())
# Ways to break a synthetic graph (three clusters), each a SPARQL update on an rdflib copy.
BROKEN = [
    pytest.param(
        "DELETE { ?s ctl:totalMembers ?n } INSERT { ?s ctl:totalMembers ?m } WHERE { "
        "?s ctl:statisticsOf cluster:cl-00001 ; ctl:totalMembers ?n . BIND(?n + 1 AS ?m) }",
        id="wrong-sum",
    ),
    pytest.param(  # Oxigraph stores this as xsd:integer: the fast checks must still see the datatype written
        "DELETE { ?s ctl:companyCount ?n } INSERT { ?s ctl:companyCount ?m } WHERE { "
        "?s ctl:statisticsOf cluster:cl-00002 ; ctl:companyCount ?n . "
        "BIND(STRDT(STR(?n), xsd:nonNegativeInteger) AS ?m) }",
        id="count-datatype",
    ),
    pytest.param(
        'DELETE DATA { organisation:cl-00002-m001 rdfs:label "Impresa cl-00002 1"@it }', id="missing-label"
    ),
    pytest.param(
        "DELETE { ?b ctl:listsMission ?m } INSERT { ?b ctl:listsMission pnrr:M6 } WHERE { "
        "?b ctl:listsComponent ?c ; ctl:listsMission ?m . FILTER(?m != pnrr:M6) }",
        id="component-under-wrong-mission",
    ),
    pytest.param(
        'DELETE { ?p ctl:endYear ?y } INSERT { ?p ctl:endYear "2001"^^xsd:gYear } WHERE { '
        "?p ctl:projectOf cluster:cl-00001 ; ctl:endYear ?y }",
        id="project-ends-before-it-starts",
    ),
    pytest.param(
        "DELETE WHERE { stats:cl-00002-2022 ?p ?o } ; DELETE WHERE { ?s ctl:hasStatistics "
        "stats:cl-00002-2022 }",
        id="cluster-without-statistics",
    ),
    pytest.param(
        "INSERT DATA { <https://w3id.org/lombardia-clusters/id/org/x> a ctl:Company ; "
        "ctl:memberOf cluster:cl-00001 }",
        id="bad-iri-no-label",
    ),
]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return graphs.load_ontology()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return graphs.load_shapes()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    folder = tmp_path_factory.mktemp("synth") / "three"
    synth.generate(folder, 3, seed=5)
    return graphs.load_data([folder])


@pytest.fixture(scope="module")
def real() -> Graph:
    return graphs.load_data()


def _store(**named: Graph) -> tuple[ox.Store, fastcheck.Literals]:
    """An Oxigraph store with each rdflib graph in its named graph, and the data's integer literals."""
    store = ox.Store()
    literals: fastcheck.Literals = {}
    for name, graph in named.items():
        payload = graph.serialize(format="nt", encoding="utf-8")
        store.bulk_load(payload, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
        literals.update(fastcheck.integer_literals(ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)))
    return store, literals


def _rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    return (
        Literal(term.value)
        if term.datatype.value == str(XSD.string)
        else Literal(term.value, datatype=URIRef(term.datatype.value))
    )


def _graph(store: ox.Store, name: str) -> set[tuple[Node, Node, Node]]:
    return {
        (_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object))
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name))
    }


def _verdicts(report: ValidationReport) -> tuple[bool, set[tuple[str, str, str]]]:
    """conforms, and (focus node, source shape, severity) with blank nodes made alike (their ids differ)."""
    return report.conforms, {
        (f.focus_node if f.focus_node.startswith("http") else "_:blank", f.source_shape, f.severity)
        for f in report.findings
    }


def _broken(graph: Graph, update: str) -> Graph:
    copy = Graph()
    copy += graph
    copy.update(PREFIXES + "\n" + update)
    return copy


# ---- reasoning


def _infer_fast(ontology: Graph, data: Graph) -> set[tuple[Node, Node, Node]]:
    store, _ = _store(**{ONTOLOGY: ontology, DATA: data})
    rules.infer(store, data=DATA, ontology=ONTOLOGY, inferred=INFERRED)
    return _graph(store, INFERRED)


#: A project of cl-00001's blocks also becomes cl-00002's: the blocks must not follow it there.
SHARE_PROJECTS = (
    "INSERT { ?p ctl:projectOf cluster:cl-00002 } WHERE { ?b ctl:printedBy cluster:cl-00001 ; ctl:aboutProject ?p }"
)


def _variant(which: str, real: Graph, synthetic: Graph) -> Graph:
    if which == "real":
        return real
    if which == "synthetic-wrong-mission":  # the chain listsComponent o componentOf then adds the right mission
        return _broken(synthetic, str(next(b for b in BROKEN if b.id == "component-under-wrong-mission").values[0]))
    if which == "synthetic-shared-projects":
        return _broken(synthetic, SHARE_PROJECTS)
    return synthetic


@pytest.mark.parametrize("which", ["real", "synthetic", "synthetic-wrong-mission", "synthetic-shared-projects"])
def test_rules_infer_what_owlrl_infers(which: str, ontology: Graph, real: Graph, synthetic: Graph) -> None:
    data = _variant(which, real, synthetic)
    expected = set(reasoning.infer(ontology, data))
    found = _infer_fast(ontology, data)
    assert found == expected, (sorted(expected - found)[:10], sorted(found - expected)[:10])


@pytest.mark.parametrize("engine", ["owlrl", "rules"])
def test_contributions_come_only_from_printed_blocks(engine: str, ontology: Graph, synthetic: Graph) -> None:
    """Both reasoners credit a cluster with a block's components only when it printed the block."""
    data = _broken(synthetic, SHARE_PROJECTS)
    found = set(reasoning.infer(ontology, data)) if engine == "owlrl" else _infer_fast(ontology, data)
    cl1, cl2 = (URIRef(namespaces.PREFIXES["cluster"] + f"cl-0000{i}") for i in (1, 2))
    printed = {
        (c, item)
        for b in data.subjects(CTL.printedBy, None)
        for c in data.objects(b, CTL.printedBy)
        for item in data.objects(b, CTL.listsComponent)
    }
    derived = {(s, o) for s, p, o in found if p == CTL.contributesToComponent}
    assert derived == printed
    assert {o for c, o in printed if c == cl1} - {o for c, o in printed if c == cl2}, "the variant proves nothing"
    shared = {p for b in data.subjects(CTL.printedBy, cl1) for p in data.objects(b, CTL.aboutProject)}
    assert shared and all((cl2, CTL.hasProject, p) in found for p in shared)


def test_rules_refuse_what_they_do_not_implement(ontology: Graph, real: Graph) -> None:
    extended = Graph()
    extended += ontology
    extended.update(PREFIXES + "INSERT DATA { ctl:X owl:hasValue ctl:Y }")
    with pytest.raises(rules.UnsupportedOntology, match="hasValue"):
        _infer_fast(extended, real)


def test_rules_refuse_two_values_of_a_functional_property(ontology: Graph, real: Graph) -> None:
    data = _broken(real, "INSERT DATA { project:fanghi ctl:stage stage:completed }")
    with pytest.raises(rules.UnsupportedOntology, match="functional"):
        _infer_fast(ontology, data)


# ---- validation


def _check_fast(data: Graph, ontology: Graph | None, shapes: Graph) -> ValidationReport:
    named = {DATA: data, **({ONTOLOGY: ontology} if ontology is not None else {})}
    store, literals = _store(**named)
    return fastcheck.check(store, shapes, list(named), literals)


@pytest.mark.parametrize("update", [pytest.param("", id="as-generated"), *BROKEN])
def test_fastcheck_verdicts_on_synthetic_graphs(
    update: str, synthetic: Graph, ontology: Graph, shapes: Graph
) -> None:
    data = _broken(synthetic, update) if update else synthetic
    expected = _verdicts(validate(data, ontology=ontology, shapes=shapes))
    assert _verdicts(_check_fast(data, ontology, shapes)) == expected
    assert expected[0] is (update == "")


def test_fastcheck_verdicts_on_the_real_data(real: Graph, ontology: Graph, shapes: Graph) -> None:
    expected = _verdicts(validate(real, ontology=ontology, shapes=shapes))
    assert _verdicts(_check_fast(real, ontology, shapes)) == expected


def _shape_cases() -> Iterator[object]:
    for case in test_shapes.INVALID_CASES:
        yield pytest.param(case.graph, case.update, id=case.id)


@pytest.mark.parametrize(("which", "update"), list(_shape_cases()))
def test_fastcheck_verdicts_on_every_shape_example(which: str, update: str) -> None:
    """Every broken example of tests/shacl/test_shapes.py: the same findings as pyshacl, shape for shape."""
    shapes, ontology = load_shapes(), load_ontology()
    source = Graph().parse(test_shapes.FIXTURE, format="turtle") if which == test_shapes.DATA else ontology
    data = Graph()
    data += source
    data.update(update, initNs=dict(source.namespaces()))
    with_ontology = ontology if which == test_shapes.DATA else None
    expected = _verdicts(validate(data, ontology=with_ontology, shapes=shapes))
    assert _verdicts(_check_fast(data, with_ontology, shapes)) == expected


def test_fastcheck_refuses_unknown_components_and_missing_literals(
    real: Graph, ontology: Graph, shapes: Graph
) -> None:
    odd = Graph()
    odd += shapes
    odd.update(PREFIXES + "INSERT DATA { ctlsh:LabelShape sh:equals rdfs:comment }")
    with pytest.raises(fastcheck.UnsupportedShape, match="equals"):
        _check_fast(real, ontology, odd)
    store, _ = _store(**{DATA: real})
    with pytest.raises(fastcheck.UnsupportedShape, match="literals"):
        fastcheck.check(store, shapes, [DATA])


# ---- synergies


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_fastsynergy_writes_what_synergy_graph_writes(
    which: str, ontology: Graph, real: Graph, synthetic: Graph
) -> None:
    store, _ = _store(**{ONTOLOGY: ontology, DATA: real if which == "real" else synthetic})
    rules.infer(store, data=DATA, ontology=ONTOLOGY, inferred=INFERRED)
    expected = synergy_graph.to_graph(synergy.compute_synergies(EmbeddedBackend(store)))
    outcome = fastsynergy.materialise(store)
    assert outcome.triples == len(expected)
    written = Graph().parse(data=_synergy_lines(store), format="nt")
    assert set(written) == set(expected)


def _synergy_lines(store: ox.Store) -> str:
    """The all-pairs N-Triples fastsynergy writes, before Oxigraph canonicalises decimals and integers."""
    backend = EmbeddedBackend(store)
    clusters = synergy.fetch_clusters(backend)
    held = {
        d: {c.iri: set(synergy.fetch_items(backend, d).get(c.iri, {})) for c in clusters}
        for d in synergy.DIMENSIONS
    }
    lines = []
    for i, a in enumerate(clusters):
        for b in clusters[i + 1 :]:
            lines += fastsynergy.ntriples(
                fastsynergy.pair_synergy(
                    a, b, {d: held[d][a.iri] for d in held}, {d: held[d][b.iri] for d in held}
                )
            )
    return "\n".join(lines)


def test_top_k_keeps_each_clusters_best_partners(tmp_path: Path, ontology: Graph) -> None:
    synth.generate(tmp_path, 12, seed=3)
    store, _ = _store(**{ONTOLOGY: ontology, DATA: graphs.load_data([tmp_path])})
    rules.infer(store, data=DATA, ontology=ONTOLOGY, inferred=INFERRED)
    scored = synergy.compute_synergies(EmbeddedBackend(store))
    slugs = [c.slug for c in scored.clusters]
    expected = set()
    for cluster in scored.clusters:
        best = sorted(
            scored.ranked(cluster=cluster), key=lambda p: (-p.combined, slugs.index(p.other(cluster).slug))
        )
        expected |= {tuple(sorted((p.a.slug, p.b.slug))) for p in best[:3]}
    outcome = fastsynergy.materialise(store, top_k=3)
    rows = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH <{namespaces.GRAPH_SYNERGIES}> {{ ?s ?p ?o }} }}")
    assert isinstance(rows, ox.QuerySolutions)
    found = {tuple(row["s"].value.split("/synergy/")[1].split("/")[0].split("--")) for row in rows}
    assert found == expected
    assert outcome.pairs == len(expected)


# ---- the whole build


def test_fast_build_of_the_real_data(tmp_path: Path, ontology: Graph, real: Graph) -> None:
    built = fastbuild.fast_build(None, tmp_path / "nested" / "store")
    assert set(built.timings) == {"parse", "validate", "reason", "synergies", "store", "optimise"}
    assert built.report is not None and built.report.conforms
    store = ox.Store.read_only(str(tmp_path / "nested" / "store"))
    assert built.sizes[DATA] == len(_graph(store, DATA))
    assert not (tmp_path / "nested" / "store.building").exists()
    assert len(_graph(store, DATA)) == len(real)
    assert len(_graph(store, INFERRED)) == len(reasoning.infer(ontology, real))
    assert len(_graph(store, namespaces.GRAPH_SHAPES)) == len(graphs.load_shapes())
    assert len(_graph(store, namespaces.GRAPH_SYNERGIES)) > 0


def test_fast_build_refuses_data_that_breaks_a_shape(tmp_path: Path, synthetic: Graph) -> None:
    broken = _broken(synthetic, str(BROKEN[0].values[0]))
    (tmp_path / "data.ttl").write_text(broken.serialize(format="turtle"), encoding="utf-8")
    fastbuild.fast_build(None, tmp_path / "store")
    before = sorted((tmp_path / "store").iterdir())
    with pytest.raises(ValidationFailed):
        fastbuild.fast_build([tmp_path / "data.ttl"], tmp_path / "store")
    assert sorted((tmp_path / "store").iterdir()) == before  # the store built before is untouched

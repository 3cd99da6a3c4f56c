"""Synergy scores: reproducible from their evidence, the pairs the report implies, weights that re-rank."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pyoxigraph as ox
import pytest
from rdflib import RDF, URIRef
from rdflib.namespace import SKOS

from ctlkg.build import store
from ctlkg.errors import NotFound
from ctlkg.rdf import namespaces, paths
from ctlkg.rdf import sources as graphs
from ctlkg.rdf.namespaces import GRAPH_SYNERGIES
from ctlkg.sparql.backend import Bindings, Row
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.synergy import scores as synergy
from ctlkg.synergy.graph import decimal, load_into_store, materialise, to_graph
from ctlkg.synergy.queries import ITEMS_QUERY
from ctlkg.synergy.scores import (
    COMBINED,
    DEFAULT_WEIGHTS,
    DIMENSIONS,
    Cluster,
    Item,
    SynergyError,
    SynergySet,
    compute_synergies,
    parse_weights,
    score_pairs,
)
from graph_fixtures import compiled, oxigraph_store

ID = namespaces.BASE + "id/"


@pytest.fixture(scope="module")
def backend() -> EmbeddedBackend:
    return EmbeddedBackend(oxigraph_store())


@pytest.fixture(scope="module")
def scored(backend: EmbeddedBackend) -> SynergySet:
    return compute_synergies(backend)


def pair(scored: SynergySet, x: str, y: str) -> synergy.Synergy:
    a, b = sorted((x, y))
    return next(p for p in scored.pairs if (p.a.slug, p.b.slug) == (a, b))


def evidence(scored: SynergySet, x: str, y: str, dimension: str) -> set[str]:
    return {item.iri.removeprefix(ID) for item in pair(scored, x, y).dimensions[dimension].shared}


def test_one_query_per_dimension() -> None:
    assert tuple(ITEMS_QUERY) == DIMENSIONS


def test_nine_clusters_and_every_pair_once(scored: SynergySet) -> None:
    assert [c.slug for c in scored.clusters] == sorted(
        ["afil", "agrifood", "clm", "scienze-vita", "tav", "scc", "lac", "le2c", "lgca"])
    assert len(scored.pairs) == 36
    assert len({(p.a.slug, p.b.slug) for p in scored.pairs}) == 36
    assert all(p.a.slug < p.b.slug for p in scored.pairs)


def test_scores_are_reproducible_from_evidence_and_counts(
    backend: EmbeddedBackend, scored: SynergySet
) -> None:
    """Recompute every score from the evidence alone and the item counts fetched independently."""
    held = {d: synergy.fetch_items(backend, d) for d in DIMENSIONS}
    for p in scored.pairs:
        weighted = Fraction(0)
        for d, s in p.dimensions.items():
            items_a, items_b = set(held[d].get(p.a.iri, {})), set(held[d].get(p.b.iri, {}))
            assert (s.count_a, s.count_b) == (len(items_a), len(items_b))
            assert {i.iri for i in s.shared} == items_a & items_b
            union = len(items_a | items_b)
            assert s.score == (Fraction(len(s.shared), union) if union else 0)
            assert 0 <= s.score <= 1
            weighted += DEFAULT_WEIGHTS[d] * s.score
        assert p.combined == weighted / sum(DEFAULT_WEIGHTS.values())


@pytest.mark.parametrize(
    ("x", "y", "dimension", "expected"),
    [
        pytest.param("lgca", "le2c", "networks", {"project/biomass-hub", "network/vanguard-initiative",
                                                  "network/eccp"}, id="lgca-le2c-biomass-hub-vanguard-eccp"),
        pytest.param("lgca", "le2c", "ecosystems", {"ecosystem/sostenibilita"}, id="lgca-le2c-sostenibilita"),
        pytest.param("scienze-vita", "le2c", "places", {"site/via-pantano-9-milano", "city/milano"},
                     id="scienze-vita-le2c-via-pantano-9"),
        pytest.param("scienze-vita", "tav", "networks", {"project/smart-touch-id"}, id="sv-tav-project"),
        pytest.param("scienze-vita", "tav", "technology-areas",
                     {"techarea/digital-health", "techarea/salute-benessere"}, id="sv-tav-areas"),
        pytest.param("tav", "lgca", "networks", {"network/vanguard-initiative", "network/eusalp"},
                     id="tav-via-its-vanguard-pilot"),
    ],
)
def test_expected_pairs_from_the_report(
    scored: SynergySet, x: str, y: str, dimension: str, expected: set[str]
) -> None:
    assert expected <= evidence(scored, x, y, dimension)


def test_a_cluster_is_never_its_partner_s_partner(scored: SynergySet) -> None:
    """Clusters in each other's projects count as a shared project, not as partners."""
    for p in scored.pairs:
        assert not {i.iri for i in p.dimensions["partners"].shared} & {c.iri for c in scored.clusters}


def test_the_worked_example_of_the_docs(scored: SynergySet) -> None:
    """docs/synergy.md computes LE2C–LGCA by hand; keep the page honest."""
    p = pair(scored, "le2c", "lgca")
    assert {d: str(s.score) for d, s in p.dimensions.items()} == {
        "ecosystems": "1", "pnrr": "1/2", "networks": "3/11", "technology-areas": "0", "partners": "0",
        "places": "1/3", "programmes": "1/4"}
    assert p.combined == Fraction(325, 1254)
    assert str(decimal(p.combined)) == "0.259171"


def test_the_documented_weight_change_flips_a_pair(scored: SynergySet) -> None:
    """With the defaults LE2C–LGCA ranks above Scienze della Vita–TAV; partners:3 puts Scienze della Vita–TAV
    first."""
    def order(s: SynergySet) -> list[tuple[str, str]]:
        return [(p.a.slug, p.b.slug) for p in s.ranked() if {p.a.slug, p.b.slug} in
                ({"scienze-vita", "tav"}, {"le2c", "lgca"})]

    assert order(scored) == [("le2c", "lgca"), ("scienze-vita", "tav")]
    assert str(decimal(pair(scored, "scienze-vita", "tav").combined)) == "0.255821"
    reweighted = scored.reweighted(parse_weights("partners:3"))
    assert order(reweighted) == [("scienze-vita", "tav"), ("le2c", "lgca")]
    assert str(decimal(pair(reweighted, "scienze-vita", "tav").combined)) == "0.279076"
    assert str(decimal(pair(reweighted, "le2c", "lgca").combined)) == "0.234488"


def test_a_zero_weight_drops_the_dimension_and_reweighing_needs_no_query(scored: SynergySet) -> None:
    only_places = scored.reweighted({d: Fraction(d == "places") for d in DIMENSIONS})
    for p in only_places.pairs:
        assert p.combined == p.dimensions["places"].score
    assert only_places.ranked()[0].score() == 1  # Scienze della Vita and LE2C share their seat


def test_ranked_for_one_cluster_and_min_score(scored: SynergySet) -> None:
    tav = scored.cluster("tav")
    ranked = scored.ranked(cluster=tav)
    assert len(ranked) == 8 and all(tav in (p.a, p.b) for p in ranked)
    assert [p.combined for p in ranked] == sorted((p.combined for p in ranked), reverse=True)
    assert ranked[0].other(tav).slug == "scienze-vita"
    assert all(p.score("places") >= Fraction(1, 3) for p in scored.ranked("places", min_score=1 / 3))


def test_clusters_by_slug_or_iri(scored: SynergySet) -> None:
    assert scored.cluster("le2c") is scored.cluster(ID + "cluster/le2c")
    assert scored.cluster("le2c").acronym == "LE2C" and scored.cluster("le2c").members == 144
    with pytest.raises(NotFound):
        scored.cluster("nope")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(None, {}, id="none"),
        pytest.param("", {}, id="empty"),
        pytest.param("ecosystems:2,networks:1", {"ecosystems": Fraction(2), "networks": Fraction(1)},
                     id="two"),
        pytest.param(" places : 0 , pnrr:0.5 ", {"places": Fraction(0), "pnrr": Fraction(1, 2)}, id="spaces"),
        pytest.param("partners:1/3", {"partners": Fraction(1, 3)}, id="fraction"),
    ],
)
def test_weights_override_only_what_they_name(text: str | None, expected: dict[str, Fraction]) -> None:
    assert parse_weights(text) == {**DEFAULT_WEIGHTS, **expected}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("ecosystem:2", id="unknown-dimension"),
        pytest.param("combined:1", id="combined-is-not-weighted"),
        pytest.param("ecosystems", id="no-colon"),
        pytest.param("ecosystems:lots", id="not-a-number"),
        pytest.param("ecosystems:-1", id="negative"),
        pytest.param("ecosystems:1,ecosystems:2", id="twice"),
        pytest.param(",".join(f"{d}:0" for d in DIMENSIONS), id="all-zero"),
    ],
)
def test_bad_weights_are_refused(text: str) -> None:
    with pytest.raises(SynergyError):
        parse_weights(text)


def test_unknown_dimension_is_refused(scored: SynergySet) -> None:
    with pytest.raises(SynergyError):
        scored.ranked("synergy")


def test_score_pairs_on_made_up_sets() -> None:
    a, b, c = (Cluster(f"urn:x:{n}", n) for n in "abc")
    x, y, z = (Item(f"urn:item:{n}") for n in "xyz")
    items: dict[str, dict[str, dict[str, Item]]] = {d: {} for d in DIMENSIONS} | {"ecosystems": {a.iri: {"x": x, "y": y}, b.iri: {"y": y, "z": z}}}
    scored = score_pairs((c, b, a), items)
    ab = scored.pairs[0]
    assert (ab.a, ab.b) == (a, b)
    assert ab.dimensions["ecosystems"].score == Fraction(1, 3)
    assert ab.dimensions["places"].score == 0  # neither holds anything: 0, not an error
    assert ab.combined == Fraction(1, 3) * DEFAULT_WEIGHTS["ecosystems"] / sum(DEFAULT_WEIGHTS.values())


class WithoutInferences:
    """A backend that answers from the asserted triples only, as a store without a reasoner would."""

    def __init__(self, backend: EmbeddedBackend) -> None:
        self.backend = backend

    def select(self, query: str, *, inferred: bool = True, bindings: Bindings | None = None) -> list[Row]:
        return self.backend.select(query, inferred=False, bindings=bindings)


def test_dimensions_mean_the_same_without_the_reasoner(backend: EmbeddedBackend, scored: SynergySet) -> None:
    plain = compute_synergies(WithoutInferences(backend))
    assert [(p.a.slug, p.b.slug, p.dimensions) for p in plain.pairs] == [
        (p.a.slug, p.b.slug, p.dimensions) for p in scored.pairs]


def test_every_dimension_is_a_concept_of_the_scheme() -> None:
    vocabulary = graphs.parse_files([paths.DATA_DIR / "vocabularies" / "synergy-dimensions.ttl"])
    scheme = URIRef(ID + "scheme/synergy-dimensions")
    for name in (*DIMENSIONS, COMBINED):
        concept = URIRef(synergy.DIMENSION_BASE + name)
        assert (concept, RDF.type, namespaces.CTL.SynergyDimension) in vocabulary
        assert (concept, SKOS.inScheme, scheme) in vocabulary
        assert str(vocabulary.value(concept, SKOS.notation)) == name
    assert len(set(vocabulary.subjects(SKOS.inScheme, scheme))) == len(DIMENSIONS) + 1


def _rows(store: ox.Store, query: str) -> list[dict[str, str]]:
    result = store.query(query, prefixes=namespaces.PREFIXES)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def test_the_rdf_reproduces_every_score_in_sparql(scored: SynergySet) -> None:
    graph = to_graph(scored)
    store = ox.Store()
    assert load_into_store(store, graph) == len(graph)
    assert [g.value for g in store.named_graphs()] == [GRAPH_SYNERGIES]
    where = f"GRAPH <{GRAPH_SYNERGIES}>"
    counts = _rows(store, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} {{ ?s a ctl:Synergy }} }}""")
    assert counts == [{"n": str(36 * (len(DIMENSIONS) + 1))}]
    # Per dimension: sharedCount is the number of evidence links, score = sharedCount / unionCount.
    single = _rows(store, f"""SELECT ?s ?score ?shared ?union
        (COUNT(?e) AS ?evidence) (COUNT(DISTINCT ?m) AS ?members)
        WHERE {{ {where} {{ ?s ctl:score ?score ; ctl:sharedCount ?shared ; ctl:unionCount ?union ;
                           ctl:pairMember ?m . OPTIONAL {{ ?s ctl:evidence ?e }} }} }}
        GROUP BY ?s ?score ?shared ?union""")
    assert len(single) == 36 * len(DIMENSIONS)
    for row in single:
        shared, union = int(row["shared"]), int(row["union"])
        assert int(row["evidence"]) == shared * 2  # one row per pair member
        assert row["members"] == "2"
        assert Decimal(row["score"]) == decimal(Fraction(shared, union) if union else Fraction(0))
    # Combined: the weighted mean of its parts, to the places written.
    # In doubles: Oxigraph leaves a decimal 0 / 9.5 unbound.
    combined = _rows(store, f"""SELECT ?s ?score (xsd:double(SUM(?w * ?part)) / xsd:double(SUM(?w)) AS ?mean)
    WHERE {{ {where} {{
        ?s ctl:dimension <{synergy.DIMENSION_BASE}combined> ; ctl:score ?score ; ctl:combines ?p .
        ?p ctl:weight ?w ; ctl:score ?part }} }} GROUP BY ?s ?score""")
    assert len(combined) == 36
    assert all(abs(float(r["score"]) - float(r["mean"])) < 1e-5 for r in combined)


def test_synergy_iris_name_the_pair_and_the_dimension(scored: SynergySet) -> None:
    p = pair(scored, "tav", "scienze-vita")
    assert p.iri("partners") == ID + "synergy/scienze-vita--tav/partners"
    assert p.iri() == ID + "synergy/scienze-vita--tav/combined"


def test_materialise_fills_the_synergies_graph_of_a_built_store() -> None:
    built = store.build_store(compiled())
    before = {g: store.count_triples(built, g) for g in store.GRAPHS.values()}
    loaded = materialise(built)
    assert store.count_triples(built, GRAPH_SYNERGIES) == loaded > 0
    assert materialise(built) == loaded  # replaced, not added twice
    assert {g: store.count_triples(built, g) for g in store.GRAPHS.values()} == before


def test_materialised_scoring_equals_the_labelled_path(backend: EmbeddedBackend, scored: SynergySet) -> None:
    """Start-up scores the build's pairs from unlabelled item rows, labelling only the graph's evidence: the
    same pairs, scores, shared items and labels as scoring every pair from the labelled rows."""
    quick = compute_synergies(backend, materialised=True)
    assert quick.clusters == scored.clusters
    assert len(quick.pairs) == len(scored.pairs) == 36  # nine clusters: every pair is materialised
    assert quick.pairs == scored.pairs
    shared = [item for p in quick.pairs for s in p.dimensions.values() for item in s.shared]
    assert shared and all(item.label_it and item.label_en for item in shared)

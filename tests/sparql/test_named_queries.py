"""Named queries in-process: every .rq loads and runs with rows the report backs, headers are read
strictly, and parameters are bound as terms or refused, never pasted into the query."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache
from itertools import combinations
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
import pytest

from ctlkg.build import store
from ctlkg.rdf import paths
from ctlkg.sparql import query_docs
from ctlkg.sparql import remote as backend_remote
from ctlkg.sparql.backend import Row
from ctlkg.sparql.embedded import EmbeddedBackend
from ctlkg.sparql.named_queries import (
    HeaderError,
    NamedQuery,
    ParameterError,
    bind,
    load_catalogue,
    load_query,
)
from ctlkg.sparql.query_params import Param, convert
from graph_fixtures import compiled, oxigraph_store

ID = "https://w3id.org/lombardia-clusters/id/"
SHARED = ["shared-ecosystems", "shared-pnrr", "shared-networks", "shared-technology-areas", "shared-places"]
Rows = list[dict[str, str]]


def cluster(slug: str) -> str:
    return f"{ID}cluster/{slug}"


@cache
def catalogue() -> dict[str, NamedQuery]:
    return load_catalogue(paths.QUERIES_DIR)


@cache
def backend() -> EmbeddedBackend:
    return EmbeddedBackend(oxigraph_store())


def run(name: str, on: EmbeddedBackend | None = None, /, **params: str) -> Rows:
    """The query's rows with every term as its string (IRI or lexical form)."""
    query, answering = catalogue()[name], on or backend()
    rows = answering.select(query.text, bindings=bind(query, params, answering))
    return [{k: v.value for k, v in row.items()} for row in rows]


def pairs(rows: Rows, a: str = "cluster_a", b: str = "cluster_b") -> set[tuple[str, str]]:
    return {(r[a].rsplit("/", 1)[-1], r[b].rsplit("/", 1)[-1]) for r in rows}


def slugs(iris: Iterable[str]) -> set[str]:
    return {iri.rsplit("/", 1)[-1] for iri in iris}


def sorted_pairs(names: Iterable[str]) -> set[tuple[str, str]]:
    """Every unordered pair once, in IRI order (the slugs share one prefix, so theirs)."""
    return set(combinations(sorted(names), 2))


# --- the catalogue -------------------------------------------------------------------------------------


def test_catalogue_loads_every_file() -> None:
    files = sorted(p.stem for p in paths.QUERIES_DIR.glob("*.rq"))
    assert list(catalogue()) == files
    assert len(files) >= 15


@pytest.mark.parametrize("name", sorted(p.stem for p in paths.QUERIES_DIR.glob("*.rq")))
def test_every_query_runs_its_example_with_rows(name: str) -> None:
    query = catalogue()[name]
    params = _example(name)
    rows = run(name, **params)
    assert rows, f"{name} answers nothing for its example"
    assert all(set(row) <= set(query.columns) for row in rows)
    it_rows = run(name, **{**params, "lang": "it"})
    assert len(it_rows) == len(rows), "the language of the labels must not change the rows"


def _example(name: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(urlsplit(catalogue()[name].example).query) if k != "format"}


def _canonical(rows: list[Row]) -> list[list[tuple[str, str]]]:
    """Rows comparable across engines: GROUP_CONCAT lists come in any order, so their parts are sorted."""
    def words(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        return " ".join(sorted(term.value.replace(",", " ").replace(";", " ").split()))
    return sorted(sorted((k, words(v)) for k, v in row.items()) for row in rows)


@pytest.mark.parametrize("name", sorted(p.stem for p in paths.QUERIES_DIR.glob("*.rq")))
def test_bindings_mean_the_same_on_both_backends(name: str) -> None:
    """Substituted (embedded) or sent as a VALUES block opening the WHERE group (remote), a parameter
    must give the same rows: the header check keeps parameters where both reach them."""
    query = catalogue()[name]
    for params in (_example(name), {**_example(name), "lang": "it"}):
        bindings = bind(query, params, backend())
        substituted = backend().select(query.text, bindings=bindings)
        as_values = backend().select(backend_remote.bind(query.text, bindings))
        assert _canonical(substituted) == _canonical(as_values), params


def test_pairs_are_listed_once() -> None:
    for name in SHARED:
        for row in run(name):
            assert row["cluster_a"] < row["cluster_b"], name


#: The pair generator of the shared-* queries: the materialised synergies of one dimension.
_GENERATOR = re.compile(
    r"  \?synergy ctl:dimension <[^>]+>( ;\n    ctl:evidence \?\w+)? ;\n    ctl:pairMember \?cluster_a , \?cluster_b \.\n"
)


@pytest.mark.parametrize("name", SHARED)
def test_shared_queries_read_pairs_from_the_synergies_and_miss_none(name: str) -> None:
    """Up to fifty clusters every pair is materialised: taking the pairs from the synergies graph gives
    the rows that joining every cluster with every other gives."""
    query = catalogue()[name]
    assert len(_GENERATOR.findall(query.text)) == 1, "the pairs should come from the synergies graph"
    direct = _GENERATOR.sub("", query.text)
    for params in (_example(name), {**_example(name), "lang": "it"}):
        bindings = bind(query, params, backend())
        generated = _canonical(backend().select(query.text, bindings=bindings))
        assert generated, name
        assert generated == _canonical(backend().select(direct, bindings=bindings)), params


def test_docs_page_is_up_to_date() -> None:
    page = (paths.ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    assert page == query_docs.markdown(catalogue()), "stale: python -m ctlkg.sparql.query_docs > docs/queries.md"


# --- rows against the report ------------------------------------------------------------------------------


def test_vanguard_initiative_is_shared_by_four_clusters_one_through_its_pilot() -> None:
    rows = [r for r in run("shared-networks") if r["item"] == f"{ID}network/vanguard-initiative"]
    assert pairs(rows) == sorted_pairs(["afil", "le2c", "lgca", "tav"])
    for row in rows:
        tav_side = "through_a" if row["cluster_a"] == cluster("tav") else "through_b"
        if cluster("tav") in (row["cluster_a"], row["cluster_b"]):
            assert "Smart Health" in row[tav_side]


def test_no_eu_project_is_shared() -> None:
    assert not [r for r in run("shared-networks") if r["kind"] == "eu-project"]


def test_mission_4_and_what_no_cluster_covers() -> None:
    rows = run("pnrr-coverage")
    m4 = {r["cluster"].rsplit("/", 1)[-1] for r in rows if r["item"] == f"{ID}pnrr/M4"}
    # TAV shares Smart&Touch-ID but prints no M4 block: the block is Scienze della Vita's alone.
    assert m4 == {"clm", "scienze-vita", "lac", "le2c"}
    sv_m4 = next(r for r in rows if r["item"] == f"{ID}pnrr/M4" and r["cluster"] == cluster("scienze-vita"))
    assert sv_m4["projects"] == "Smart&Touch-ID"
    m4c2 = next(r for r in rows if r["item"] == f"{ID}pnrr/M4C2")
    assert m4c2["cluster_count"] == "4"
    uncovered = {r["notation"] for r in rows if r["cluster_count"] == "0"}
    assert uncovered == {"M5", "M2C4", "M3C1", "M4C1", "M5C1", "M5C2", "M5C3"}
    assert all("cluster" not in r for r in rows if r["cluster_count"] == "0")
    assert {r["item_level"] for r in run("pnrr-coverage", level="mission")} == {"mission"}


def test_pairs_sharing_mission_4_use_the_reasoning() -> None:
    rows = [r for r in run("shared-pnrr", level="mission") if r["notation"] == "M4"]
    assert pairs(rows) == sorted_pairs(["clm", "scienze-vita", "lac", "le2c"])
    assert len(rows) == 6
    assert {r["item_level"] for r in run("shared-pnrr", level="component")} == {"component"}


def test_culture_and_knowledge_is_declared_by_scc_only_and_reached_by_no_project() -> None:
    rows = [r for r in run("s3-coverage") if r["ecosystem"] == f"{ID}ecosystem/cultura-conoscenza"]
    found = [(r["cluster"], r["declared"], r["through_projects"]) for r in rows]
    assert found == [(cluster("scc"), "true", "false")]
    assert rows[0]["declared_count"] == "1" and rows[0]["through_projects_count"] == "0"
    assert all("cluster" in r for r in run("s3-coverage")), "every ecosystem has at least one cluster"


def test_shared_ecosystems_tell_declared_from_reached_through_projects() -> None:
    rows = run("shared-ecosystems")
    health = next(r for r in rows if pairs([r]) == {("scienze-vita", "tav")})
    assert health["ecosystem"] == f"{ID}ecosystem/salute-life-science"
    assert health["declared_a"] == health["declared_b"] == "true"
    # Each side lists the projects of the blocks it printed: Smart&Touch-ID's block is on the Scienze della Vita page.
    assert "Smart&Touch-ID" in health["projects_a"] and "Smart&Touch-ID" not in health["projects_b"]
    assert set(health["projects_b"].split(", ")) == {"HEALPS2", "Medtech4Europe"}
    afil = next(r for r in rows if pairs([r]) == {("afil", "lac")})
    assert afil["declared_a"] == "false" and "AI REGIO" in afil["projects_a"]


def test_technology_areas_are_shared_as_concepts() -> None:
    rows = run("shared-technology-areas")
    assert {(p, r["area"].rsplit("/", 1)[-1]) for r in rows for p in pairs([r])} == {
        (("scienze-vita", "tav"), "digital-health"), (("scienze-vita", "tav"), "salute-benessere")}


def test_projects_and_organisations_of_more_than_one_cluster() -> None:
    rows = {r["entity"].rsplit("/", 1)[-1]: r for r in run("multi-cluster-involvement")}
    assert slugs(rows["biomass-hub"]["cluster_iris"].split()) == {"lgca", "le2c"}
    assert slugs(rows["smart-touch-id"]["cluster_iris"].split()) == {"scienze-vita", "tav"}
    assert slugs(rows["astir"]["cluster_iris"].split()) == {"scienze-vita", "tav"}
    assert "support" not in rows["regione-lombardia"]["links"]
    everyone = run("multi-cluster-involvement", min_clusters="9", with_supporting_bodies="true")
    assert slugs(r["entity"] for r in everyone) == {"regione-lombardia", "confindustria-lombardia"}


def test_life_sciences_and_le2c_share_a_seat() -> None:
    rows = run("shared-places")
    seats = [r for r in rows if r["kind"] == "seat"]
    assert [(pairs([r]), r["place"], r["street_address"]) for r in seats] == [
        ({("le2c", "scienze-vita")}, f"{ID}site/via-pantano-9-milano", "Via Pantano, 9")]
    milan = pairs([r for r in rows if r["kind"] == "city" and r["place"] == f"{ID}city/milano"])
    assert milan == sorted_pairs(["afil", "le2c", "lgca", "scc", "scienze-vita"])


def test_region_figures_equal_the_sum_of_the_nine_clusters() -> None:
    rows = {r["measure"]: r for r in run("region-figures")}
    assert (rows["members"]["reported"], rows["companies"]["reported"]) == ("755", "555")
    assert (rows["research organisations"]["reported"], rows["other entities"]["reported"]) == ("109", "91")
    assert rows["members from the reported categories"]["computed"] == "755"  # 555 + 109 + 91
    assert all(r["computed"] == r["reported"] and r["consistent"] == "true" for r in rows.values())
    assert {r["cluster_count"] for r in rows.values()} == {"9"}


def test_member_composition() -> None:
    rows = {r["cluster"].rsplit("/", 1)[-1]: r for r in run("member-composition")}
    assert len(rows) == 9
    afil = rows["afil"]
    assert (afil["members"], afil["companies"], afil["company_share"]) == ("144", "116", "80.6")
    assert sum(int(r["members"]) for r in rows.values()) == 755
    assert all(r["categories_add_up"] == "true" for r in rows.values())
    assert rows["le2c"]["named_members"] == "6"


def test_cluster_profile() -> None:
    rows = run("cluster-profile", cluster=cluster("afil"))
    facts = {(r["aspect"], r["value"]) for r in rows}
    expected = {("acronym", "AFIL"), ("members", "144"), ("companies", "116")}
    expected.add(("network", "Vanguard Initiative"))
    assert expected <= facts
    assert len([r for r in rows if r["aspect"] == "seat"]) == 2
    tav = {(r["aspect"], r["item"]) for r in run("cluster-profile", cluster=cluster("tav"))}
    assert ("network", f"{ID}network/vanguard-initiative") in tav  # through the Smart Health pilot
    # TAV prints M6 and M1 only; Smart&Touch-ID's M4 block is on the Scienze della Vita page.
    assert {i for a, i in tav if a == "PNRR mission"} == {f"{ID}pnrr/M1", f"{ID}pnrr/M6"}


def test_clm_profile_shows_its_reference_ecosystem_as_printed_and_as_read() -> None:
    clm = {(r["aspect"], r["item"]) for r in run("cluster-profile", cluster=cluster("clm"))}
    assert ("reference ecosystem as printed", f"{ID}ecosystem/mobilita-sostenibile") in clm
    assert ("reference ecosystem", f"{ID}ecosystem/smart-mobility-architecture") in clm


def test_tav_profile_and_partners_read_the_events_it_supports() -> None:
    """TAV supports HEALPS2's final event with Univerlecco (schema:contributor), report line 789."""
    tav = {(r["aspect"], r["item"]) for r in run("cluster-profile", cluster=cluster("tav"))}
    assert ("event supported", f"{ID}event/healps2-final-event") in tav
    assert ("event organised", f"{ID}event/healps2-final-event") not in tav
    partners = {r["partner"].rsplit("/", 1)[-1]: r for r in run("cluster-partners", cluster=cluster("tav"))}
    assert "event" in partners["univerlecco"]["links"]


def test_cluster_partners_and_the_other_clusters_they_touch() -> None:
    rows = {r["partner"].rsplit("/", 1)[-1]: r for r in run("cluster-partners", cluster=cluster("tav"))}
    assert rows["astir"]["other_cluster_iris"] == cluster("scienze-vita")
    assert rows["astir"]["category"] == "company"
    assert rows["provincia-di-limburgo"]["other_cluster_count"] == "0"
    le2c = run("cluster-partners", cluster=cluster("le2c"))
    assert {r["partner"].rsplit("/", 1)[-1] for r in le2c if "member" in r["links"]} == {
        "a2a-ambiente", "brianzacque", "istituto-mario-negri", "lariana-depur", "mm", "tcr-tecora"}


def test_how_two_clusters_are_connected() -> None:
    rows = run("cluster-connections", cluster_a=cluster("scienze-vita"), cluster_b=cluster("tav"))
    found = {(r["dimension"], r["item"].rsplit("/", 1)[-1]) for r in rows}
    assert {("project", "smart-touch-id"), ("technology area", "digital-health"), ("PNRR component", "M6C1"),
            ("S3 ecosystem", "salute-life-science"), ("partner organisation", "astir")} <= found
    assert ("PNRR component", "M4C2") not in found  # only Scienze della Vita prints M4C2
    reverse = run("cluster-connections", cluster_a=cluster("tav"), cluster_b=cluster("scienze-vita"))
    assert {(r["dimension"], r["item"]) for r in reverse} == {(r["dimension"], r["item"]) for r in rows}
    assert not run("cluster-connections", cluster_a=cluster("lgca"), cluster_b=cluster("lgca"))


def test_funding_programmes() -> None:
    rows = run("funding-programmes")
    hub = slugs(r["cluster"] for r in rows if r["programme"].endswith("call-hub-ricerca-innovazione"))
    assert hub == {"tav", "le2c", "lgca", "scienze-vita", "clm", "scc"}
    life = next(r for r in rows if r["programme"].endswith("/life"))
    assert (life["cluster"], life["through_projects"]) == (cluster("clm"), "false")
    assert all(r["shared"] == "true" for r in run("funding-programmes", shared_only="true"))


def test_clusters_overview() -> None:
    rows = {r["cluster"].rsplit("/", 1)[-1]: r for r in run("clusters", lang="it")}
    assert len(rows) == 9
    assert set(rows["afil"]["cities"].split(", ")) == {"Milano", "Bergamo"}


@cache
def computed_backend() -> EmbeddedBackend:
    """A store of its own without the synergies graph, as a remote store loaded by hand may be."""
    return EmbeddedBackend(store.build_store(compiled()))


def materialised_backend() -> EmbeddedBackend:
    """The shared store, with the synergy graph written by ctlkg.synergy.graph."""
    return backend()


@pytest.mark.parametrize("make", [pytest.param(computed_backend, id="computed"),
                                  pytest.param(materialised_backend, id="materialised")])
def test_synergies_rank_lgca_first_for_le2c(make: Callable[[], EmbeddedBackend]) -> None:
    on = make()
    has_synergies = on.ask("ASK { GRAPH ?g { ?s a <https://w3id.org/lombardia-clusters/ontology#Synergy> } }")
    rows = run("cluster-synergies", on, cluster=cluster("le2c"))
    assert {r["source"] for r in rows} == {"materialised" if has_synergies else "computed"}
    assert rows[0]["other"] == cluster("lgca") and rows[0]["shared_count"] == "8"
    assert f"{ID}network/vanguard-initiative" in rows[0]["evidence_iris"].split()
    areas = run("cluster-synergies", on, cluster=cluster("tav"), dimension="technology-areas")
    assert areas[0]["other"] == cluster("scienze-vita") and areas[0]["shared_count"] == "2"


def test_computed_synergies_count_what_the_materialised_ones_count() -> None:
    """The SPARQL fallback and ctlkg.synergy.scores agree on the shared items of every pair."""
    materialised = materialised_backend()
    for slug in ("le2c", "tav", "afil"):
        computed = {r["other"]: r["shared_count"]
                    for r in run("cluster-synergies", computed_backend(), cluster=cluster(slug))}
        written = run("cluster-synergies", materialised, cluster=cluster(slug))
        stored = {r["other"]: r["shared_count"] for r in written if r["shared_count"] != "0"}
        assert computed == stored, slug


# --- strict headers -------------------------------------------------------------------------------------

GOOD = """#+ title: T
#+ title_it: T
#+ description: D
#+ description_it: D
#+ params:
#+   - {name: lang, type: string, default: en, enum: [en, it], description: Language.}
#+ example: /api/queries/probe?lang=it
SELECT ?s ?lang WHERE { ?s ?p ?o FILTER(LANG(?o) = ?lang) }
"""


def write(tmp_path: Path, text: str, name: str = "probe") -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_header_loads(tmp_path: Path) -> None:
    query = load_query(write(tmp_path, GOOD))
    assert (query.name, query.columns, query.params[0].enum) == ("probe", ("s", "lang"), ("en", "it"))


FILTERED = "?s ?p ?o FILTER(LANG(?o) = ?lang)"
UNREACHED = "where bound values do not reach"


def _swap(old: str, new: str) -> Callable[[str], str]:
    return lambda text: text.replace(old, new)


MALFORMED = [
    pytest.param(_swap("#+ title: T\n", ""), "'title' is missing", id="no-title"),
    pytest.param(_swap("#+ description: D\n", ""), "'description' is missing", id="no-description"),
    pytest.param(_swap("#+ title: T", "#+ title: T\n#+ author: me"), "unknown header keys author",
                 id="unknown-key"),
    pytest.param(_swap("description: Language.", "description: L., min: 1"), "unknown keys min",
                 id="unknown-param-key"),
    pytest.param(_swap("?lang WHERE { ?s ?p ?o FILTER(LANG(?o) = ?lang) }", "WHERE { ?s ?p ?o }"),
                 "?lang is not in the query", id="declared-not-used"),
    pytest.param(_swap("SELECT ?s ?lang", "SELECT ?s"), "must be in the top-level SELECT",
                 id="declared-not-selected"),
    pytest.param(_swap("?lang) }", "?lang && ?o != ?other) }"), "?other read but never bound",
                 id="undeclared-parameter"),
    pytest.param(_swap("type: string", "type: text"), "type must be one of", id="bad-type"),
    pytest.param(_swap("type: string,", "type: string, class: ctl:Cluster,"), "only an iri parameter",
                 id="class-on-string"),
    pytest.param(_swap("type: string, default: en, enum: [en, it],", "type: iri, class: nope:Cluster,"),
                 "known prefix", id="unknown-class-prefix"),
    pytest.param(_swap("default: en", "default: fr"), "'fr' is not allowed", id="default-not-in-enum"),
    pytest.param(_swap("/api/queries/probe", "/api/queries/other"), "must be a path", id="example-route"),
    pytest.param(_swap("probe?lang=it", "probe?colour=red"), "'colour', which is not", id="example-param"),
    pytest.param(_swap("probe?lang=it", "probe?lang=fr"), "'fr' is not allowed", id="example-value"),
    pytest.param(_swap("#+ title: T", "#+title: T"), "with a space", id="no-space"),
    pytest.param(_swap("#+ title: T", "# a comment first\n#+ title: T"), "must start with a '#+' header",
                 id="no-header"),
    pytest.param(_swap("#+ title: T", "#+ title: [T"), "not valid YAML", id="yaml"),
    pytest.param(_swap("name: lang", "name: format"), "reserved", id="reserved-name"),
    pytest.param(_swap("  - {name: lang", "  - {name: x, type: integer, description: X}\n#+   - {name: lang"),
                 "?x is not in the query", id="second-param-unused"),
    pytest.param(_swap(FILTERED, f"{{ {FILTERED} }} UNION {{ ?s ?p ?o }}"), UNREACHED, id="in-union-branch"),
    pytest.param(_swap(FILTERED, f"{{ SELECT ?s WHERE {{ {FILTERED} }} }}"), UNREACHED, id="in-sub-select"),
    pytest.param(_swap(FILTERED, f"?s ?q ?x OPTIONAL {{ ?x ?r ?y OPTIONAL {{ {FILTERED} }} }}"), UNREACHED,
                 id="in-nested-optional"),
    pytest.param(_swap("SELECT ?s ?lang WHERE", "ASK WHERE"), "must be a SELECT", id="ask"),
    pytest.param(_swap("SELECT ?s ?lang WHERE", "SELECT * WHERE"), "SELECT * is not", id="star"),
    pytest.param(_swap("?s ?p ?o", "?s ?p"), "does not parse", id="syntax"),
]


@pytest.mark.parametrize(("change", "message"), MALFORMED)
def test_a_malformed_header_is_rejected(tmp_path: Path, change: Callable[[str], str], message: str) -> None:
    with pytest.raises(HeaderError) as caught:
        load_query(write(tmp_path, change(GOOD)))
    assert message in str(caught.value)


def test_a_file_name_must_be_a_route(tmp_path: Path) -> None:
    with pytest.raises(HeaderError, match="file name is its route"):
        load_query(write(tmp_path, GOOD.replace("probe", "Probe_1"), name="Probe_1"))


# --- parameter safety -------------------------------------------------------------------------------------

INJECTIONS = [
    "> } ; DROP ALL #", 'en" } ; DROP ALL #', "en'", "en\n", "<http://x> . ?s ?p ?o", "en } UNION { ?s ?p ?o",
]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(f"{ID}cluster/nope", id="not-in-graph"),
        pytest.param(f"{ID}ecosystem/sostenibilita", id="wrong-class-ecosystem"),
        pytest.param(f"{ID}network/vanguard-initiative", id="wrong-class-network"),
        pytest.param(f"{ID}organisation/regione-lombardia", id="wrong-class-organisation"),
        pytest.param("afil", id="relative"),
        pytest.param("", id="empty"),
        *[pytest.param(v, id=f"injection-{i}") for i, v in enumerate(INJECTIONS)],
        pytest.param(cluster("afil") + "> . ?s ?p ?o", id="iri-breakout"),
        pytest.param(cluster("afil") + "\n#", id="newline"),
        pytest.param(cluster("afil") + "/../tav", id="relative-path-segments"),
    ],
)
def test_bad_iris_are_refused(value: str) -> None:
    query = catalogue()["cluster-profile"]
    text = query.text
    with pytest.raises(ParameterError) as caught:
        bind(query, {"cluster": value}, backend())
    assert caught.value.parameter == "cluster"
    assert query.text == text


@pytest.mark.parametrize(
    ("name", "params"),
    [
        *[pytest.param("clusters", {"lang": v}, id=f"enum-injection-{i}") for i, v in enumerate(INJECTIONS)],
        pytest.param("clusters", {"lang": "fr"}, id="enum"),
        pytest.param("clusters", {"lang": "EN"}, id="enum-case"),
        pytest.param("multi-cluster-involvement", {"min_clusters": "2; DROP ALL"}, id="integer-injection"),
        pytest.param("multi-cluster-involvement", {"min_clusters": "2.5"}, id="integer-decimal"),
        pytest.param("multi-cluster-involvement", {"min_clusters": "1e3"}, id="integer-exponent"),
        pytest.param("multi-cluster-involvement", {"min_clusters": "1"}, id="integer-not-allowed"),
        pytest.param("multi-cluster-involvement", {"with_supporting_bodies": "yes"}, id="boolean"),
        pytest.param("cluster-profile", {}, id="missing-required"),
        pytest.param("clusters", {"lang": "en", "cluster": cluster("afil")}, id="unknown-parameter"),
        pytest.param("clusters", {"lang": "x" * 5000}, id="too-long"),
    ],
)
def test_bad_values_are_refused(name: str, params: dict[str, str]) -> None:
    with pytest.raises(ParameterError):
        bind(catalogue()[name], params, backend())


def test_values_become_terms_and_defaults_apply() -> None:
    bindings = bind(catalogue()["multi-cluster-involvement"], {"min_clusters": " 3 "}, backend())
    assert bindings["min_clusters"] == ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert bindings["lang"] == ox.Literal("en")
    assert bindings["with_supporting_bodies"].value == "false"


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        pytest.param("decimal", "0.5", "0.5", id="decimal"),
        pytest.param("decimal", "2", "2.0", id="decimal-integer"),
        pytest.param("boolean", "TRUE", "true", id="boolean-case"),
        pytest.param("boolean", "0", "false", id="boolean-digit"),
        pytest.param("integer", "-07", "-7", id="integer-sign"),
    ],
)
def test_conversions(kind: str, raw: str, expected: str) -> None:
    assert convert(Param("p", kind, "A parameter."), raw).value == expected


def test_a_free_string_reaches_the_engine_as_a_literal_only(tmp_path: Path) -> None:
    """Quotes and braces in a value without allowed values stay inside one literal: nothing is pasted."""
    text = GOOD.replace("default: en, enum: [en, it], ", "").replace("probe?lang=it", "probe?lang=x")
    query = load_query(write(tmp_path, text.replace("LANG(?o) = ?lang", "STR(?o) = ?lang")))
    hostile = 'x" } ; DROP ALL ; SELECT * { "'
    bindings = bind(query, {"lang": hostile}, backend())
    assert bindings["lang"] == ox.Literal(hostile)
    assert backend().select(query.text, bindings=bindings) == []


def test_no_constant_bind_in_the_catalogue() -> None:
    """A group ending in BIND("x" AS ?v) is joined row by row by Oxigraph: multi-cluster-involvement ran past
    a minute at a thousand clusters. The catalogue tags its branches with VALUES instead (docs/queries.md)."""
    constant = re.compile(r'BIND\(\s*("[^"]*"|-?\d+|true|false)\s+AS\s+\?\w+\s*\)', re.IGNORECASE)
    found = {
        f"{name}: {match.group(0)}"
        for name, query in catalogue().items()
        for match in constant.finditer(query.body)
    }
    assert not found

"""Synthetic data shaped like data/: N clusters that conform to our shapes, the same bytes for the same seed.

Benchmarks need the real graph's shape at 10 to 1,000 times its size: ~85 typed member organisations per
cluster with statistics that add up (and regional statistics that are their sums), seats in shared cities,
technology areas and international networks picked with Zipf-like popularity, projects with SINERGIE blocks
to the real S3 ecosystems and PNRR components (vocabularies copied from data/vocabularies). Each cluster is
drawn from its own random stream, seeded by (seed, index), so a file never depends on the order of writing.
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ctlkg.rdf import namespaces, paths
from ctlkg.synth.pools import (
    SOURCE,
    Pools,
    Zipf,
    area_slug,
    hub_slug,
    network_slug,
    shared_slug,
    write_areas,
    write_networks,
    write_places,
    write_shared,
)
from ctlkg.synth.turtle import Pair, Writer, labels, text, typed

ECOSYSTEMS = (
    "manifatturiero-avanzato",
    "connettivita-informazione",
    "cultura-conoscenza",
    "nutrizione",
    "salute-life-science",
    "smart-mobility-architecture",
    "sostenibilita",
    "sviluppo-sociale",
)
COMPONENTS = (
    "M1C1",
    "M1C2",
    "M1C3",
    "M2C1",
    "M2C2",
    "M2C3",
    "M2C4",
    "M3C1",
    "M3C2",
    "M4C1",
    "M4C2",
    "M5C1",
    "M5C2",
    "M5C3",
    "M6C1",
    "M6C2",
)
#: Project class -> the programmes that may fund it (data-conventions: EU funding makes an EU project).
PROGRAMMES = {
    "ctl:EUProject": (
        "horizon-2020",
        "horizon-europe",
        "interreg-europe",
        "interreg-alpine-space",
        "cosme",
        "life",
    ),
    "ctl:RegionalProject": ("por-fesr-2014-2020", "call-hub-ricerca-innovazione", "tech-fast"),
    "ctl:Project": ("programma-nazionale-ricerca", "fse-plus"),
}
STAGES = ("proposal", "ongoing", "completing", "completed")
#: Member categories with the report's proportions (555 companies, 109 research, 91 others of 755).
CATEGORIES = (
    ("ctl:Company", 0.735, "Impresa", "Company"),
    ("ctl:ResearchOrganisation", 0.145, "Laboratorio", "Laboratory"),
    ("ctl:OtherEntity", 0.12, "Associazione", "Association"),
)
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Summary:
    clusters: int
    seed: int
    triples: int
    files: int
    seconds: float


def _member_counts(counts: Sequence[int]) -> list[Pair]:
    """ctl:totalMembers and the three counts it adds up (companies, research organisations, others)."""
    kinds = ("companyCount", "researchOrganisationCount", "otherEntityCount")
    pairs: list[Pair] = [("ctl:totalMembers", [str(sum(counts))])]
    return pairs + [(f"ctl:{kind}", [str(n)]) for kind, n in zip(kinds, counts, strict=True)]


def cluster_slug(index: int) -> str:
    return f"cl-{index + 1:05d}"


def _members(
    rng: random.Random, slug: str, pools: Pools, shared: Zipf, w: Writer
) -> tuple[list[str], list[int]]:
    """Own members (typed, labelled, linked) and a few shared ones; returns them, and counts by category."""
    counts = [0, 0, 0]
    members: list[str] = []
    for k in range(rng.randint(40, 130)):
        category = rng.choices(range(3), weights=[c[1] for c in CATEGORIES])[0]
        kind, _, name_it, name_en = CATEGORIES[category]
        iri = f"organisation:{slug}-m{k + 1:03d}"
        w.block(
            iri,
            kind,
            [
                ("rdfs:label", labels(f"{name_it} {slug} {k + 1}", f"{name_en} {slug} {k + 1}")),
                ("ctl:memberOf", [f"cluster:{slug}"]),
                ("dcterms:source", [SOURCE]),
            ],
        )
        counts[category] += 1
        members.append(iri)
    for index in shared.pick(rng, rng.randint(2, 9)):
        w.statement(shared_slug(index), "ctl:memberOf", f"cluster:{slug}")
        kind = pools.shared_kind(index)[0]
        counts[[c[0] for c in CATEGORIES].index(kind)] += 1
        members.append(shared_slug(index))
    return members, counts


def _projects(
    rng: random.Random, index: int, total: int, members: list[str], w: Writer
) -> tuple[list[str], list[str]]:
    """Two to five projects; the cluster prints a SINERGIE block (ecosystems, components, missions) for each
    current one."""
    slug = cluster_slug(index)
    listed: list[str] = []
    current: list[str] = []
    for k in range(rng.randint(2, 5)):
        iri = f"project:{slug}-p{k + 1}"
        kind = rng.choice(sorted(PROGRAMMES))
        start = rng.randint(2015, 2022)
        is_current = k % 2 == 0
        owners = [f"cluster:{slug}"]
        if total > 1 and rng.random() < 0.05:  # shared with another cluster, like BIOMASS HUB
            other = rng.randrange(total - 1)
            owners.append(f"cluster:{cluster_slug(other if other < index else other + 1)}")
        partners = rng.sample(members, min(len(members), rng.randint(1, 4)))
        components = sorted(rng.sample(COMPONENTS, rng.randint(1, 2))) if is_current else []
        missions = sorted({f"pnrr:{c[:2]}" for c in components})
        ecosystems = sorted(rng.sample(ECOSYSTEMS, rng.randint(1, 2))) if is_current else []
        w.block(
            iri,
            kind,
            [
                ("rdfs:label", labels(f"Progetto {slug} {k + 1}", f"Project {slug} {k + 1}")),
                ("ctl:projectOf", owners),
                ("ctl:fundedBy", [f"programme:{rng.choice(PROGRAMMES[kind])}"]),
                ("ctl:stage", [f"stage:{'ongoing' if is_current else rng.choice(STAGES)}"]),
                ("ctl:startYear", [typed(start, "gYear")]),
                ("ctl:endYear", [typed(start + rng.randint(1, 4), "gYear")]),
                ("ctl:hasLead", partners[:1]),
                ("ctl:hasPartner", partners[1:]),
                (
                    "ctl:reportedPartnerCount",
                    [str(len(partners) + rng.randint(0, 6))],
                ),
                (
                    "dcterms:description",
                    labels(
                        f"Progetto sintetico {k + 1} del cluster {slug}.",
                        f"Synthetic project {k + 1} of cluster {slug}.",
                    ),
                ),
                ("dcterms:source", [SOURCE]),
            ],
        )
        if is_current:  # printed by this cluster only, even when the project is shared
            w.block(
                f"block:{slug}-p{k + 1}",
                "ctl:SynergyBlock",
                [
                    ("rdfs:label", labels(f"SINERGIE {slug} {k + 1}", f"SINERGIE {slug} {k + 1}")),
                    ("ctl:printedBy", [f"cluster:{slug}"]),
                    ("ctl:aboutProject", [iri]),
                    ("ctl:listsEcosystem", [f"ecosystem:{e}" for e in ecosystems]),
                    ("ctl:listsMission", missions),
                    ("ctl:listsComponent", [f"pnrr:{c}" for c in components]),
                    ("dcterms:source", [SOURCE]),
                ],
            )
        (current if is_current else listed).append(iri)
    return listed, current


def write_cluster(
    index: int, total: int, seed: int, pools: Pools, samplers: dict[str, Zipf]
) -> tuple[Writer, list[int]]:
    """One cluster's file, drawn from its own random stream; returns it with its member counts by category."""
    rng = random.Random(f"ctlkg-synth:{seed}:cluster:{index}")
    slug = cluster_slug(index)
    w = Writer(f"Synthetic cluster {slug}: the cluster, its statistics, seat, members, projects and story.")
    members, counts = _members(rng, slug, pools, samplers["shared"], w)
    listed, current = _projects(rng, index, total, members, w)
    seats = [hub_slug(pools, samplers["hubs"].pick(rng, 1)[0])] if rng.random() < 0.15 else []
    for city in samplers["cities"].pick(rng, 1 if seats or rng.random() < 0.8 else 2):
        city_slug, name_it, name_en, postcode = pools.city(city)
        seats.append(f"site:{slug}-{city_slug}")
        w.block(
            seats[-1],
            "ctl:Site",
            [
                ("rdfs:label", labels(f"Sede di {slug} a {name_it}", f"{slug} seat in {name_en}")),
                ("ctl:inCity", [f"city:{city_slug}"]),
                ("schema:address", [w.address(f"Via Sintetica, {index % 200 + 1}", postcode, name_it)]),
                ("dcterms:source", [SOURCE]),
            ],
        )
    # The blocks below are records (a subject, its type, its statements), alike in shape as Turtle
    # resources are: the writer is their one piece of logic.
    w.block(
        f"stats:{slug}-2022",
        "ctl:MembershipStatistics",
        [
            ("rdfs:label", labels(f"Associati {slug} 2022", f"{slug} members 2022")),
            ("ctl:statisticsOf", [f"cluster:{slug}"]),
            ("ctl:referenceYear", [typed(2022, "gYear")]),
            *_member_counts(counts),
            ("dcterms:source", [SOURCE]),
        ],
    )
    w.block(
        f"story:{slug}-1",
        "ctl:SuccessStory",
        [
            ("rdfs:label", labels(f"Caso di successo di {slug}", f"Success story of {slug}")),
            ("ctl:successStoryOf", [f"cluster:{slug}"]),
            ("ctl:features", (current or listed)[:1]),
            ("dcterms:description", labels("Un risultato sintetico.", "A synthetic achievement.")),
            ("dcterms:source", [SOURCE]),
        ],
    )
    w.block(
        f"cluster:{slug}",
        "ctl:Cluster",
        [
            (
                "rdfs:label",
                labels(f"Cluster Lombardo Sintetico {index + 1}", f"Synthetic Lombardy Cluster {index + 1}"),
            ),
            ("ctl:acronym", [text(f"CLS{index + 1}")]),
            ("schema:url", [f"<https://{slug}.example.org>"]),
            ("ctl:inRegion", ["region:lombardia"]),
            ("ctl:recognisedBy", ["organisation:regione-lombardia"]),
            ("ctl:supportedBy", ["organisation:confindustria-lombardia"] if rng.random() < 0.7 else []),
            ("ctl:hasSeat", seats),
            (
                "ctl:referenceEcosystem",
                [f"ecosystem:{e}" for e in sorted(rng.sample(ECOSYSTEMS, rng.randint(1, 2)))],
            ),
            (
                "ctl:hasTechnologyArea",
                [area_slug(a) for a in sorted(samplers["areas"].pick(rng, rng.randint(3, 6)))],
            ),
            (
                "ctl:participatesInNetwork",
                [network_slug(n) for n in sorted(samplers["networks"].pick(rng, rng.randint(1, 5)))],
            ),
            ("ctl:hasProject", listed),
            ("ctl:hasCurrentProject", current),
            ("ctl:hasStatistics", [f"stats:{slug}-2022"]),
            ("ctl:hasSuccessStory", [f"story:{slug}-1"]),
            (
                "dcterms:description",
                labels(
                    f"Cluster sintetico numero {index + 1}, per i benchmark.",
                    f"Synthetic cluster number {index + 1}, for benchmarks.",
                ),
            ),
            ("dcterms:source", [SOURCE]),
        ],
    )
    return w, counts


def _sources() -> Writer:
    """The report sections the copied vocabularies cite (from data/region.ttl), and the synthetic source."""
    w = Writer("Sources: the report sections the copied vocabularies cite, and the synthetic report.")
    region = Graph().parse(paths.DATA_DIR / "region.ttl", format="turtle")
    kind = URIRef(namespaces.DEFAULT_BASE + "ontology#SourceDocument")
    lines = sorted(
        f"{s.n3()} {p.n3()} {o.n3()} ."
        for d in region.subjects(RDF.type, kind)
        for s, p, o in region.triples((d, None, None))
    )
    w.parts.append("\n" + "\n".join(lines) + "\n")
    w.triples += len(lines)
    w.block(SOURCE, "ctl:SourceDocument", [("rdfs:label", labels("Report sintetico", "Synthetic report"))])
    return w


def _region(pools: Pools, totals: list[int]) -> Writer:
    w = Writer(
        "Synthetic region: Lombardy, its statistics (the sums of the clusters'), bodies, cities, hubs."
    )
    w.block(
        "region:lombardia",
        "ctl:Region",
        [
            ("rdfs:label", labels("Lombardia", "Lombardy")),
            ("ctl:hasStatistics", ["stats:lombardia-2022"]),
            ("dcterms:source", [SOURCE]),
        ],
    )
    w.block(
        "stats:lombardia-2022",
        "ctl:RegionalStatistics",
        [
            (
                "rdfs:label",
                labels("Associati dei cluster sintetici, 2022", "Members of the synthetic clusters, 2022"),
            ),
            ("ctl:statisticsOf", ["region:lombardia"]),
            ("ctl:referenceYear", [typed(2022, "gYear")]),
            *_member_counts(totals),
            ("dcterms:source", [SOURCE]),
        ],
    )
    for slug, name_it, name_en in (
        ("regione-lombardia", "Regione Lombardia", "Lombardy Region"),
        ("confindustria-lombardia", "Confindustria Lombardia", "Confindustria Lombardia"),
    ):
        w.block(
            f"organisation:{slug}",
            "ctl:SupportingBody",
            [("rdfs:label", labels(name_it, name_en)), ("dcterms:source", [SOURCE])],
        )
    write_places(pools, w)
    return w


def generate(out: Path, clusters: int, seed: int = 0, progress: Progress | None = None) -> Summary:
    """Write the synthetic data set for ``clusters`` clusters into ``out`` (replacing what was there)."""
    if clusters < 1:
        raise ValueError("at least one cluster")
    started = time.perf_counter()
    pools = Pools(clusters)
    samplers = {
        "shared": Zipf(pools.shared),
        "hubs": Zipf(pools.hubs),
        "cities": Zipf(pools.cities, 1.2),
        "areas": Zipf(pools.areas, 0.8),
        "networks": Zipf(pools.networks, 1.1),
    }
    if out.exists():
        shutil.rmtree(out)
    (out / "clusters").mkdir(parents=True)
    shutil.copytree(paths.DATA_DIR / "vocabularies", out / "vocabularies")
    triples = sum(
        len(Graph().parse(f, format="turtle")) for f in sorted((out / "vocabularies").glob("*.ttl"))
    )
    totals = [0, 0, 0]
    for index in range(clusters):
        writer, counts = write_cluster(index, clusters, seed, pools, samplers)
        (out / "clusters" / f"{cluster_slug(index)}.ttl").write_text(writer.getvalue(), encoding="utf-8")
        triples += writer.triples
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        if progress is not None:
            progress(index + 1)
    files = {
        "sources.ttl": _sources(),
        "region.ttl": _region(pools, totals),
        "technology-areas.ttl": write_areas(pools),
        "networks.ttl": write_networks(pools),
        "organisations.ttl": write_shared(pools),
    }
    for name, writer in files.items():
        (out / name).write_text(writer.getvalue(), encoding="utf-8")
        triples += writer.triples
    count = clusters + len(files) + len(list((out / "vocabularies").glob("*.ttl")))
    return Summary(clusters, seed, triples, count, time.perf_counter() - started)

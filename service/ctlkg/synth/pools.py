"""What synthetic clusters draw from: cities, technology areas, networks, shared members and hub seats.

The pools grow with the number of clusters, and are drawn from with Zipf-like weights, so a few networks,
cities and organisations are shared by many clusters and most by few, as in the real report (Vanguard and
Milano everywhere, most networks on one page). Each pool is also written as a Turtle file here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from ctlkg.synth.turtle import Writer, labels

#: Real Lombardy towns first (Milano carries the most weight), then generated ones as the scale needs them.
TOWNS = (
    ("milano", "Milano", "Milan", "20121"),
    ("bergamo", "Bergamo", "Bergamo", "24121"),
    ("brescia", "Brescia", "Brescia", "25121"),
    ("monza", "Monza", "Monza", "20900"),
    ("varese", "Varese", "Varese", "21100"),
    ("como", "Como", "Como", "22100"),
    ("pavia", "Pavia", "Pavia", "27100"),
    ("lecco", "Lecco", "Lecco", "23900"),
    ("cremona", "Cremona", "Cremona", "26100"),
    ("lodi", "Lodi", "Lodi", "26900"),
    ("mantova", "Mantova", "Mantua", "46100"),
    ("sondrio", "Sondrio", "Sondrio", "23100"),
    ("legnano", "Legnano", "Legnano", "20025"),
    ("busto-arsizio", "Busto Arsizio", "Busto Arsizio", "21052"),
    ("sesto-san-giovanni", "Sesto San Giovanni", "Sesto San Giovanni", "20099"),
    ("cinisello-balsamo", "Cinisello Balsamo", "Cinisello Balsamo", "20092"),
    ("gallarate", "Gallarate", "Gallarate", "21013"),
    ("vigevano", "Vigevano", "Vigevano", "27029"),
    ("rho", "Rho", "Rho", "20017"),
    ("saronno", "Saronno", "Saronno", "21047"),
)
#: Words that make technology-area names: a field and a qualifier.
FIELDS = (
    ("Robotica", "Robotics"),
    ("Materiali", "Materials"),
    ("Sensoristica", "Sensing"),
    ("Biotecnologie", "Biotech"),
    ("Energia", "Energy"),
    ("Logistica", "Logistics"),
    ("Diagnostica", "Diagnostics"),
    ("Chimica", "Chemistry"),
    ("Elettronica", "Electronics"),
    ("Software", "Software"),
    ("Fotonica", "Photonics"),
    ("Agritech", "Agritech"),
)
QUALIFIERS = (
    ("avanzata", "advanced"),
    ("sostenibile", "sustainable"),
    ("digitale", "digital"),
    ("circolare", "circular"),
    ("intelligente", "smart"),
    ("additiva", "additive"),
    ("di precisione", "precision"),
    ("verde", "green"),
    ("collaborativa", "collaborative"),
    ("quantistica", "quantum"),
    ("spaziale", "space"),
    ("medicale", "medical"),
)
#: Shared members: mostly universities and research centres, as in the report's member lists.
SHARED_KINDS = (
    ("ctl:ResearchOrganisation", "Università degli Studi", "University"),
    ("ctl:ResearchOrganisation", "Centro di ricerca", "Research centre"),
    ("ctl:OtherEntity", "Associazione di categoria", "Trade association"),
    ("ctl:Company", "Consorzio industriale", "Industrial consortium"),
)
SOURCE = "source:synthetic-report"


class Zipf:
    """Indices 0..n-1 with weight 1/(k+1)^s; ``pick`` draws distinct ones."""

    def __init__(self, n: int, s: float = 1.0) -> None:
        self.n = n
        self.cum = list(accumulate(1.0 / (k + 1) ** s for k in range(n)))

    def pick(self, rng: random.Random, k: int) -> list[int]:
        k = min(k, self.n)
        chosen: list[int] = []
        while len(chosen) < k:
            (index,) = rng.choices(range(self.n), cum_weights=self.cum)
            if index not in chosen:
                chosen.append(index)
        return chosen


@dataclass(frozen=True)
class Pools:
    """Sizes of the shared pools for a given number of clusters, and their Zipf samplers."""

    clusters: int

    @property
    def areas(self) -> int:
        return min(300, 30 + 3 * self.clusters)

    @property
    def networks(self) -> int:
        return min(600, 20 + self.clusters // 2)

    @property
    def cities(self) -> int:
        return min(1500, len(TOWNS) + self.clusters // 10)

    @property
    def shared(self) -> int:
        return max(20, 2 * self.clusters)

    @property
    def hubs(self) -> int:
        return max(3, self.clusters // 20)

    def city(self, index: int) -> tuple[str, str, str, str]:
        if index < len(TOWNS):
            return TOWNS[index]
        n = index - len(TOWNS) + 1
        return (f"comune-{n:04d}", f"Comune {n}", f"Town {n}", f"2{n % 10000:04d}")

    def shared_kind(self, index: int) -> tuple[str, str, str]:
        return SHARED_KINDS[index % len(SHARED_KINDS)]

    def hub_city(self, index: int) -> int:
        return index % min(self.cities, 8)


def area_slug(index: int) -> str:
    return f"techarea:synth-area-{index + 1:03d}"


def network_slug(index: int) -> str:
    return f"network:synth-net-{index + 1:03d}"


def shared_slug(index: int) -> str:
    return f"organisation:shared-{index + 1:05d}"


def hub_slug(pools: Pools, index: int) -> str:
    return f"site:polo-{index + 1:03d}-{pools.city(pools.hub_city(index))[0]}"


def write_areas(pools: Pools) -> Writer:
    w = Writer(
        "Synthetic technology areas: a concept scheme of generated areas the synthetic clusters declare."
    )
    tops = [area_slug(i) for i in range(pools.areas)]
    w.block(
        "scheme:synthetic-technology-areas",
        "skos:ConceptScheme",
        [
            ("rdfs:label", labels("Aree tecnologiche sintetiche", "Synthetic technology areas")),
            ("skos:prefLabel", labels("Aree tecnologiche sintetiche", "Synthetic technology areas")),
            ("dcterms:source", [SOURCE]),
            ("skos:hasTopConcept", tops),
        ],
    )
    for i, slug in enumerate(tops):
        (f_it, f_en), (q_it, q_en) = FIELDS[i % len(FIELDS)], QUALIFIERS[(i // len(FIELDS)) % len(QUALIFIERS)]
        name_it, name_en = f"{f_it} {q_it} {i + 1}", f"{q_en.capitalize()} {f_en.lower()} {i + 1}"
        w.block(
            slug,
            "ctl:TechnologyArea",
            [
                ("skos:inScheme", ["scheme:synthetic-technology-areas"]),
                ("skos:topConceptOf", ["scheme:synthetic-technology-areas"]),
                ("skos:prefLabel", labels(name_it, name_en)),
                ("rdfs:label", labels(name_it, name_en)),
                ("skos:definition", labels(f"Area generata: {name_it}.", f"Generated area: {name_en}.")),
                ("dcterms:source", [SOURCE]),
            ],
        )
    return w


def write_networks(pools: Pools) -> Writer:
    """Networks; every eighth one is a pilot of one of the eight most popular, to exercise the chain axiom."""
    w = Writer(
        "Synthetic international networks, joined by the synthetic clusters with Zipf-like popularity."
    )
    for i in range(pools.networks):
        parent = [network_slug(i // 8 % 8)] if i % 8 == 7 else []
        w.block(
            network_slug(i),
            "ctl:InternationalNetwork",
            [
                ("rdfs:label", labels(f"Rete internazionale {i + 1}", f"International network {i + 1}")),
                ("org:subOrganizationOf", parent),
                (
                    "dcterms:description",
                    labels(
                        f"Rete europea sintetica numero {i + 1}.",
                        f"Synthetic European network number {i + 1}.",
                    ),
                ),
                ("dcterms:source", [SOURCE]),
            ],
        )
    return w


def write_shared(pools: Pools) -> Writer:
    w = Writer(
        "Synthetic organisations that are members of several clusters (universities, centres, bodies)."
    )
    for i in range(pools.shared):
        kind, name_it, name_en = pools.shared_kind(i)
        w.block(
            shared_slug(i),
            kind,
            [
                ("rdfs:label", labels(f"{name_it} {i + 1}", f"{name_en} {i + 1}")),
                ("dcterms:source", [SOURCE]),
            ],
        )
    return w


def write_places(pools: Pools, w: Writer) -> None:
    """Cities and the hub seats that several clusters share (like Via Pantano 9 in Milano)."""
    w.banner("Cities and shared seats")
    for i in range(pools.cities):
        slug, name_it, name_en, _ = pools.city(i)
        w.block(
            f"city:{slug}",
            "ctl:City",
            [
                ("rdfs:label", labels(name_it, name_en)),
                ("ctl:inRegion", ["region:lombardia"]),
                ("dcterms:source", [SOURCE]),
            ],
        )
    for i in range(pools.hubs):
        slug, name_it, name_en, postcode = pools.city(pools.hub_city(i))
        w.block(
            hub_slug(pools, i),
            "ctl:Site",
            [
                (
                    "rdfs:label",
                    labels(f"Polo condiviso {i + 1} di {name_it}", f"Shared hub {i + 1} in {name_en}"),
                ),
                ("ctl:inCity", [f"city:{slug}"]),
                ("schema:address", [w.address(f"Via dell'Innovazione, {i + 1}", postcode, name_it)]),
                ("dcterms:source", [SOURCE]),
            ],
        )

"""The SPARQL behind each synergy dimension: one query per dimension, listing (cluster, item) rows.

Each query is linear in the graph; ``ctlkg.synergy.scores`` pairs the clusters up in Python. Asserted and
inverse forms are both spelled out, so a dimension means the same on a store without the OWL RL inferences (a
remote endpoint, or a reasoner without property chains); a test holds the two results equal.
"""

from __future__ import annotations

from collections.abc import Mapping

from ctlkg.rdf import namespaces

_PROLOGUE = f"""PREFIX ctl: <{namespaces.CTL}>
PREFIX org: <{namespaces.ORG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# Written as UNIONs of plain patterns, each inverse spelled as a triple the other way round: Virtuoso 7
# mis-answers a path alternative holding a sequence or an inverse, and a zero-length path (docs/virtuoso.md).
_PROJECT = ("{ ?cluster ctl:hasProject|ctl:hasCurrentProject ?project }"
            " UNION { ?project ctl:projectOf ?cluster }")
_NETWORK = ("{ ?cluster ctl:participatesInNetwork ?network }"
            " UNION { ?network ctl:networkParticipant ?cluster }")
_SEAT = "{ ?cluster ctl:hasSeat ?seat } UNION { ?seat ctl:seatOf ?cluster }"
# A cluster's SINERGIE links are those of the blocks it printed, not of every project it shares.
_PRINTED = "{ ?cluster ctl:printsSynergyBlock ?block } UNION { ?block ctl:printedBy ?cluster }"


def _union(*groups: str) -> str:
    return "\n    UNION ".join("{ " + group + " }" for group in groups)


def _as_item(pattern: str, variable: str) -> str:
    """A pattern whose ``variable`` is the item itself."""
    return pattern.replace(f"?{variable}", "?item")


PATTERNS: Mapping[str, str] = {
    "ecosystems": _union(
        "?cluster ctl:coversEcosystem|ctl:referenceEcosystem|ctl:alignedWithEcosystem ?item",
        f"{_PRINTED} ?block ctl:listsEcosystem ?item",
    ),
    "pnrr": _union(
        "?cluster ctl:contributesToComponent ?item", f"{_PRINTED} ?block ctl:listsComponent ?item"
    ),
    # A pilot or sub-network counts as its network too (the chain axiom on ctl:participatesInNetwork).
    "networks": _union(
        _as_item(_NETWORK, "network"),
        f"{_NETWORK} ?network org:subOrganizationOf+ ?item",
        _as_item(_PROJECT, "project"),
    ),
    "technology-areas": _union("?cluster ctl:hasTechnologyArea ?item", "?item ctl:technologyAreaOf ?cluster"),
    # A cluster in another cluster's project is a shared project (networks), not a partner.
    "partners": _union(
        f"{_PROJECT} {{ ?project ctl:hasParticipant|ctl:hasPartner|ctl:hasLead ?item }}"
        " UNION { ?item ctl:participatesIn ?project }",
        "?item ctl:memberOf ?cluster",
        "?cluster ctl:hasMember ?item",
        "?cluster ctl:cooperatesWith ?item",
        "?item ctl:cooperatesWith ?cluster",
    ) + "\n    FILTER NOT EXISTS { ?item a ctl:Cluster }",
    # The seat itself and the city it lies in.
    "places": _union(_as_item(_SEAT, "seat"), f"{_SEAT} ?seat ctl:inCity ?item"),
    "programmes": _union(
        "?cluster ctl:drawsOnProgramme ?item",
        f"{_PROJECT} {{ ?project ctl:fundedBy ?item }} UNION {{ ?item ctl:funds ?project }}",
    ),
}
#: rdfs:label first, skos:prefLabel where there is none: a PNRR component has both ("M2C2 — title" and the
#: bare title), and taking the smaller of the two showed one with its code and the next without.
_LABELS = """OPTIONAL { ?item rdfs:label ?label_it0 FILTER(LANGMATCHES(LANG(?label_it0), "it")) }
  OPTIONAL { ?item skos:prefLabel ?label_it1 FILTER(LANGMATCHES(LANG(?label_it1), "it")) }
  OPTIONAL { ?item rdfs:label ?label_en0 FILTER(LANGMATCHES(LANG(?label_en0), "en")) }
  OPTIONAL { ?item skos:prefLabel ?label_en1 FILTER(LANGMATCHES(LANG(?label_en1), "en")) }
  BIND(COALESCE(?label_it0, ?label_it1) AS ?it)
  BIND(COALESCE(?label_en0, ?label_en1) AS ?en)"""
ITEMS_QUERY = {
    d: f"""{_PROLOGUE}SELECT ?cluster ?item (MIN(?it) AS ?label_it) (MIN(?en) AS ?label_en) WHERE {{
  ?cluster a ctl:Cluster .
  {pattern}
  FILTER(isIRI(?item))
  {_LABELS}
}} GROUP BY ?cluster ?item"""
    for d, pattern in PATTERNS.items()
}
#: The same (cluster, item) rows without labels: what scoring needs, in a fraction of the time (the labels
#: of ninety thousand partners cost more than their pairs). The build scores from these.
ITEM_IRIS_QUERY = {
    d: f"{_PROLOGUE}SELECT DISTINCT ?cluster ?item WHERE {{\n"
    f"?cluster a ctl:Cluster . {pattern} FILTER(isIRI(?item)) }}"
    for d, pattern in PATTERNS.items()
}
#: The labels of the items a materialised synergy names as evidence: the only items a page or an answer shows.
EVIDENCE_LABELS_QUERY = f"""{_PROLOGUE}SELECT ?item (MIN(?it) AS ?label_it) (MIN(?en) AS ?label_en) WHERE {{
  {{ SELECT DISTINCT ?item WHERE {{ ?synergy ctl:evidence ?item }} }}
  {_LABELS}
}} GROUP BY ?item"""
CLUSTERS_QUERY = f"""{_PROLOGUE}SELECT ?item ?label_it ?label_en ?acronym ?year ?members WHERE {{
  ?item a ctl:Cluster .
  OPTIONAL {{ ?item rdfs:label ?label_it FILTER(LANGMATCHES(LANG(?label_it), "it")) }}
  OPTIONAL {{ ?item rdfs:label ?label_en FILTER(LANGMATCHES(LANG(?label_en), "en")) }}
  OPTIONAL {{ ?item ctl:acronym ?acronym }}
  OPTIONAL {{ {{ ?item ctl:hasStatistics ?stats }} UNION {{ ?stats ctl:statisticsOf ?item }}
             ?stats ctl:totalMembers ?members . OPTIONAL {{ ?stats ctl:referenceYear ?year }} }}
}}"""
#: The pairs of the materialised synergies graph: one combined-score resource per pair chosen at build time.
MATERIALISED_PAIRS_QUERY = f"""{_PROLOGUE}SELECT ?a ?b WHERE {{
  ?synergy a ctl:Synergy ; ctl:dimension <{namespaces.BASE}id/synergy-dimension/combined> ;
    ctl:pairMember ?a , ?b .
  FILTER(STR(?a) < STR(?b))
}}"""

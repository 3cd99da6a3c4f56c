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
_PROJECT = "(ctl:hasProject|ctl:hasCurrentProject|^ctl:projectOf)"
_PRINTED = "(ctl:printsSynergyBlock|^ctl:printedBy)"
PATTERNS: Mapping[str, str] = {
    # A cluster's SINERGIE links are those of the blocks it printed, not of every project it shares.
    "ecosystems": f"?cluster ctl:coversEcosystem|ctl:referenceEcosystem|ctl:alignedWithEcosystem"
    f"|({_PRINTED}/ctl:listsEcosystem) ?item .",
    "pnrr": f"?cluster ctl:contributesToComponent|({_PRINTED}/ctl:listsComponent) ?item .",
    # A pilot or sub-network counts as its network too (the chain axiom on ctl:participatesInNetwork).
    "networks": f"""
    {{ ?cluster (ctl:participatesInNetwork|^ctl:networkParticipant)/org:subOrganizationOf* ?item }}
    UNION {{ ?cluster {_PROJECT} ?item }}""",
    "technology-areas": "?cluster ctl:hasTechnologyArea|^ctl:technologyAreaOf ?item .",
    # A cluster in another cluster's project is a shared project (networks), not a partner.
    "partners": f"""
    {{ ?cluster {_PROJECT}/(ctl:hasParticipant|ctl:hasPartner|ctl:hasLead|^ctl:participatesIn) ?item }}
    UNION {{ ?cluster ^ctl:memberOf|ctl:hasMember ?item }}
    UNION {{ ?cluster ctl:cooperatesWith|^ctl:cooperatesWith ?item }}
    FILTER NOT EXISTS {{ ?item a ctl:Cluster }}""",
    # Zero or one step past the seat: the seat itself and the city it lies in.
    "places": "?cluster (ctl:hasSeat|^ctl:seatOf)/ctl:inCity? ?item .",
    "programmes": f"?cluster ctl:drawsOnProgramme|({_PROJECT}/(ctl:fundedBy|^ctl:funds)) ?item .",
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
CLUSTERS_QUERY = f"""{_PROLOGUE}SELECT ?item ?label_it ?label_en ?acronym ?year ?members WHERE {{
  ?item a ctl:Cluster .
  OPTIONAL {{ ?item rdfs:label ?label_it FILTER(LANGMATCHES(LANG(?label_it), "it")) }}
  OPTIONAL {{ ?item rdfs:label ?label_en FILTER(LANGMATCHES(LANG(?label_en), "en")) }}
  OPTIONAL {{ ?item ctl:acronym ?acronym }}
  OPTIONAL {{ ?item ctl:hasStatistics|^ctl:statisticsOf ?stats . ?stats ctl:totalMembers ?members .
             OPTIONAL {{ ?stats ctl:referenceYear ?year }} }}
}}"""
#: The pairs of the materialised synergies graph: one combined-score resource per pair chosen at build time.
MATERIALISED_PAIRS_QUERY = f"""{_PROLOGUE}SELECT ?a ?b WHERE {{
  ?synergy a ctl:Synergy ; ctl:dimension <{namespaces.BASE}id/synergy-dimension/combined> ;
    ctl:pairMember ?a , ?b .
  FILTER(STR(?a) < STR(?b))
}}"""

"""Tests of the SHACL shapes: every shape accepts the valid fixture and rejects a broken variant of it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ctlkg.shacl.reference import Finding, ValidationReport, load_ontology, load_shapes, validate

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "shapes" / "base.ttl"
CTLSH = "https://w3id.org/lombardia-clusters/shapes#"
CTL = "https://w3id.org/lombardia-clusters/ontology#"
ID = "https://w3id.org/lombardia-clusters/id/"

# The graph a case breaks: the fixture (validated with ctl.ttl as its ontology), or ctl.ttl itself for the
# shapes of the ontology header.
DATA = "data"
ONTOLOGY = "ontology"


class Case(NamedTuple):
    id: str
    shape: str
    update: str
    expected: str
    graph: str = DATA


def _bad_iri(kind: str, cls: str) -> str:
    """An instance whose IRI has a slip in it, for the node shapes that check IRIs."""
    return f"INSERT DATA {{ <{ID}{kind}> a {cls} }}"


def _replace(subject: str, predicate: str, new: str) -> str:
    return (
        f"DELETE {{ {subject} {predicate} ?old }} INSERT {{ {subject} {predicate} {new} }} "
        f"WHERE {{ {subject} {predicate} ?old }}"
    )


def _delete(subject: str, predicate: str) -> str:
    return f"DELETE WHERE {{ {subject} {predicate} ?any }}"


def _address(triples: str) -> str:
    """Add `triples`, written on ?a, to the seat's postal address."""
    return f"INSERT {{ {triples} }} WHERE {{ site:afil-bergamo schema:address ?a }}"


def _header(predicate: str, new: str) -> str:
    return (
        f"DELETE {{ ?o {predicate} ?old }} INSERT {{ ?o {predicate} {new} }} "
        f"WHERE {{ ?o a owl:Ontology ; {predicate} ?old }}"
    )


DIMENSION = f"<{ID}synergy-dimension/ecosystems>"

# One broken variant per shape (some shapes have more): the update, and what the English message says.
# fmt: off
INVALID_CASES = [
    # ---- shared property shapes
    Case("label-missing-en", "LabelShape",
         'DELETE DATA { cluster:afil rdfs:label "Lombardy Intelligent Factory Association"@en }',
         "exactly one rdfs:label in Italian"),
    Case("label-untagged", "LabelShape", 'INSERT DATA { organisation:a2a-ambiente rdfs:label "A2A" }',
         "exactly one rdfs:label in Italian"),
    Case("label-two-it", "LabelShape", 'INSERT DATA { city:bergamo rdfs:label "Bèrghem"@it }',
         "exactly one rdfs:label in Italian"),
    Case("preflabel", "PrefLabelShape", _delete("ecosystem:manifatturiero-avanzato", "skos:prefLabel"),
         "skos:prefLabel in Italian"),
    Case("description-language", "DescriptionShape",
         'INSERT DATA { network:vanguard-initiative dcterms:description "Netz"@de }',
         "dcterms:description must be tagged"),
    Case("definition-language", "DefinitionShape",
         'INSERT DATA { techarea:advanced-manufacturing-technologies skos:definition "untagged" }',
         "skos:definition must be tagged"),
    Case("source-unknown", "SourceShape",
         _replace("network:vanguard-initiative", "dcterms:source", "source:unknown"),
         "must point to a ctl:SourceDocument"),
    Case("source-required", "RequiredSourceShape", _delete("story:afil-1", "dcterms:source"),
         "Needs a dcterms:source"),
    Case("website-string", "WebsiteShape",
         _replace("organisation:regione-lombardia", "schema:url", '"https://www.regione.lombardia.it"'),
         "must be an IRI, not a string"),
    Case("acronym-two", "AcronymShape", 'INSERT DATA { cluster:afil ctl:acronym "A.F.I.L." }',
         "At most one ctl:acronym"),
    Case("in-scheme", "InSchemeShape", _delete("stage:ongoing", "skos:inScheme"),
         "skos:inScheme of at least one"),
    # ---- organisations
    Case("organisation-iri", "OrganisationShape", _bad_iri("org/a2a", "ctl:Company"),
         "An organisation must have an IRI"),
    Case("organisation-blank", "OrganisationShape", "INSERT DATA { _:x a ctl:Organisation }",
         "An organisation must have an IRI"),
    Case("member-of", "OrganisationShape-memberOf",
         "INSERT DATA { organisation:a2a-ambiente ctl:memberOf network:vanguard-initiative }",
         "ctl:memberOf must point to a ctl:Cluster"),
    Case("organisation-seat", "OrganisationShape-seat",
         "INSERT DATA { organisation:regione-lombardia ctl:hasSeat city:bergamo }",
         "ctl:hasSeat must point to a ctl:Site"),
    Case("company-disjoint", "CompanyShape", "INSERT DATA { organisation:a2a-ambiente a ctl:OtherEntity }",
         "cannot also be a ctl:ResearchOrganisation or a ctl:OtherEntity"),
    Case("research-disjoint", "ResearchOrganisationShape",
         "INSERT DATA { organisation:politecnico-di-milano a ctl:OtherEntity }",
         "cannot also be a ctl:OtherEntity"),
    # ---- clusters
    Case("cluster-iri", "ClusterShape",
         _bad_iri("cluster/AFIL", "ctl:Cluster"), "A cluster must have an IRI"),
    Case("cluster-description", "ClusterShape-description",
         'DELETE DATA { cluster:afil dcterms:description "The advanced manufacturing cluster."@en }',
         "dcterms:description in Italian and one in English"),
    Case("cluster-website-missing", "ClusterShape-website", _delete("cluster:afil", "schema:url"),
         "exactly one website"),
    Case("cluster-website-two", "ClusterShape-website",
         "INSERT DATA { cluster:afil schema:url <https://afil.example.org> }", "exactly one website"),
    Case("cluster-region", "ClusterShape-region", _replace("cluster:afil", "ctl:inRegion", "city:bergamo"),
         "at most one ctl:Region"),
    Case("recognised-by", "ClusterShape-recognisedBy",
         _replace("cluster:afil", "ctl:recognisedBy", "region:lombardia"),
         "ctl:recognisedBy must point to a ctl:Organisation"),
    Case("supported-by", "ClusterShape-supportedBy",
         _replace("cluster:afil", "ctl:supportedBy", "network:vanguard-initiative"),
         "ctl:supportedBy must point to a ctl:Organisation"),
    Case("cluster-seat", "ClusterShape-seat", _delete("cluster:afil", "ctl:hasSeat"), "at least one seat"),
    Case("reference-ecosystem-missing", "ClusterShape-referenceEcosystem",
         _delete("cluster:afil", "ctl:referenceEcosystem"), "at least one ctl:referenceEcosystem"),
    Case("reference-ecosystem-class", "ClusterShape-referenceEcosystemClass",
         "INSERT DATA { cluster:afil ctl:referenceEcosystem techarea:advanced-manufacturing-technologies }",
         "must point to a ctl:InnovationEcosystem of the S3"),
    Case("printed-reference-ecosystem-class", "ClusterShape-printedReferenceEcosystem",
         'INSERT DATA { cluster:afil ctl:printedReferenceEcosystem "Mobilità Sostenibile"@it }',
         "must point to a skos:Concept"),
    Case("technology-area", "ClusterShape-technologyArea",
         "INSERT DATA { cluster:afil ctl:hasTechnologyArea ecosystem:manifatturiero-avanzato }",
         "must point to a ctl:TechnologyArea"),
    Case("network", "ClusterShape-network",
         "INSERT DATA { cluster:afil ctl:participatesInNetwork organisation:a2a-ambiente }",
         "must point to a ctl:InternationalNetwork"),
    Case("project", "ClusterShape-project", "INSERT DATA { cluster:afil ctl:hasProject story:afil-1 }",
         "ctl:hasProject must point to a ctl:Project"),
    Case("current-project", "ClusterShape-currentProject",
         "INSERT DATA { cluster:afil ctl:hasCurrentProject event:afil-open-day }",
         "ctl:hasCurrentProject must point to a ctl:Project"),
    Case("statistics-missing", "ClusterShape-statistics",
         "DELETE DATA { cluster:afil ctl:hasStatistics stats:afil-2022 . "
         "stats:afil-2022 ctl:statisticsOf cluster:afil }",
         "exactly one ctl:MembershipStatistics"),
    Case("statistics-two", "ClusterShape-statistics",
         "INSERT DATA { cluster:afil ctl:hasStatistics stats:afil-2021 }",
         "exactly one ctl:MembershipStatistics"),
    Case("success-story", "ClusterShape-successStory",
         "INSERT DATA { cluster:afil ctl:hasSuccessStory project:ai-regio }",
         "must point to a ctl:SuccessStory"),
    Case("working-group", "ClusterShape-workingGroup",
         "INSERT DATA { cluster:afil ctl:hasWorkingGroup organisation:a2a-ambiente }",
         "must point to a ctl:WorkingGroup"),
    # ---- statistics
    Case("statistics-iri", "MembershipStatisticsShape",
         _bad_iri("stats/afil-2021", "ctl:MembershipStatistics"),
         "Statistics must have an IRI"),
    Case("statistics-of-two", "MembershipStatisticsShape-subject",
         "INSERT DATA { stats:afil-2022 ctl:statisticsOf region:lombardia }",
         "describe exactly one ctl:Cluster or ctl:Region"),
    Case("statistics-of-class", "MembershipStatisticsShape-subject",
         _replace("stats:afil-2022", "ctl:statisticsOf", "network:vanguard-initiative")
         + " ; DELETE DATA { cluster:afil ctl:hasStatistics stats:afil-2022 }",
         "describe exactly one ctl:Cluster or ctl:Region"),
    Case("reference-year", "MembershipStatisticsShape-referenceYear",
         _replace("stats:afil-2022", "ctl:referenceYear", '"2022"'), "exactly one ctl:referenceYear"),
    # A count written as a decimal is not the xsd:integer the conventions ask for.
    Case("total-decimal", "MembershipStatisticsShape-totalMembers",
         _replace("stats:afil-2022", "ctl:totalMembers", "144.0"),
         "exactly one ctl:totalMembers, a non-negative xsd:integer"),
    Case("company-count-missing", "MembershipStatisticsShape-companyCount",
         _delete("stats:afil-2022", "ctl:companyCount"), "exactly one ctl:companyCount"),
    Case("research-count-negative", "MembershipStatisticsShape-researchOrganisationCount",
         _replace("stats:afil-2022", "ctl:researchOrganisationCount", "-1"),
         "exactly one ctl:researchOrganisationCount"),
    Case("other-count-two", "MembershipStatisticsShape-otherEntityCount",
         'INSERT DATA { stats:afil-2022 ctl:otherEntityCount 15 }',
         "exactly one ctl:otherEntityCount"),
    Case("regional-statistics-blank", "RegionalStatisticsShape",
         "INSERT DATA { _:x a ctl:RegionalStatistics }",
         "Regional statistics must be an IRI resource"),
    Case("regional-statistics-region", "RegionalStatisticsShape-region",
         _replace("stats:lombardia-2022", "ctl:statisticsOf", "cluster:afil"),
         "describe a ctl:Region, not a cluster"),
    # ---- vocabularies
    Case("scheme-iri", "ConceptSchemeShape", _bad_iri("schemes/test", "skos:ConceptScheme"),
         "A concept scheme must have an IRI"),
    Case("top-concept", "ConceptSchemeShape-topConcept", _delete("scheme:test", "skos:hasTopConcept"),
         "at least one skos:hasTopConcept"),
    Case("concept-iri", "ConceptShape",
         _bad_iri("Action_Line/sme", "skos:Concept"), "A concept must have an IRI"),
    Case("ecosystem-iri", "InnovationEcosystemShape", _bad_iri("ecosystems/x", "ctl:InnovationEcosystem"),
         "An S3 ecosystem must have an IRI"),
    Case("techarea-iri", "TechnologyAreaShape", _bad_iri("techarea/Digital_Health", "ctl:TechnologyArea"),
         "A technology area must have an IRI"),
    Case("mission-iri", "PNRRMissionShape", _bad_iri("pnrr/m7", "ctl:PNRRMission"),
         "A PNRR mission must have an IRI"),
    Case("mission-notation", "PNRRMissionShape-notation", _replace("pnrr:M2", "skos:notation", '"2"'),
         "exactly one skos:notation of the form M<n>"),
    Case("mission-component", "PNRRMissionShape-component",
         "INSERT DATA { pnrr:M2 ctl:hasComponent ecosystem:manifatturiero-avanzato }",
         "must point to a ctl:PNRRComponent"),
    Case("component-iri", "PNRRComponentShape", _bad_iri("pnrr/M2-C1", "ctl:PNRRComponent"),
         "A PNRR component must have an IRI"),
    Case("component-notation", "PNRRComponentShape-notation", _delete("pnrr:M2C1", "skos:notation"),
         "exactly one skos:notation of the form M<n>C<k>"),
    Case("component-of-missing", "PNRRComponentShape-mission", _delete("pnrr:M2C1", "ctl:componentOf"),
         "belongs to exactly one ctl:PNRRMission"),
    Case("component-of-class", "PNRRComponentShape-mission",
         "INSERT DATA { pnrr:M2C1 ctl:componentOf ecosystem:manifatturiero-avanzato }",
         "belongs to exactly one ctl:PNRRMission"),
    Case("programme-iri", "FundingProgrammeShape", _bad_iri("programmes/h2020", "ctl:FundingProgramme"),
         "A funding programme must have an IRI"),
    Case("programme-broader", "FundingProgrammeShape-broader",
         "INSERT DATA { programme:horizon-2020 skos:broader ecosystem:manifatturiero-avanzato }",
         "must be a ctl:FundingProgramme"),
    Case("stage-iri", "ProjectStageShape", _bad_iri("stage/Ongoing", "ctl:ProjectStage"),
         "A project stage must have an IRI"),
    Case("dimension-iri", "SynergyDimensionShape", _bad_iri("dimension/ecosystems", "ctl:SynergyDimension"),
         "A synergy dimension must have an IRI"),
    Case("dimension-notation", "SynergyDimensionShape-notation", _replace(DIMENSION, "skos:notation", '"S3"'),
         "exactly one skos:notation in lower case"),
    # ---- networks
    Case("network-iri", "InternationalNetworkShape", _bad_iri("networks/een", "ctl:InternationalNetwork"),
         "A network must have an IRI"),
    Case("network-parent", "InternationalNetworkShape-parent",
         "INSERT DATA { network:vanguard-esm-pilot org:subOrganizationOf organisation:regione-lombardia }",
         "org:subOrganizationOf a ctl:InternationalNetwork"),
    # ---- projects
    Case("project-iri", "ProjectShape",
         _bad_iri("projects/ai-regio", "ctl:Project"), "A project must have an IRI"),
    Case("project-of", "ProjectShape-cluster",
         "INSERT DATA { project:fanghi ctl:projectOf organisation:a2a-ambiente }",
         "ctl:projectOf must point to a ctl:Cluster"),
    Case("funded-by", "ProjectShape-fundedBy", "INSERT DATA { project:fanghi ctl:fundedBy stage:ongoing }",
         "ctl:fundedBy must point to a ctl:FundingProgramme"),
    Case("stage-class", "ProjectShape-stage",
         _replace("project:fanghi", "ctl:stage", "programme:horizon-2020"),
         "at most one ctl:stage"),
    Case("start-year", "ProjectShape-startYear", _replace("project:ai-regio", "ctl:startYear", '"2020"'),
         "at most one ctl:startYear, an xsd:gYear"),
    Case("end-year-two", "ProjectShape-endYear",
         'INSERT DATA { project:ai-regio ctl:endYear "2024"^^xsd:gYear }', "at most one ctl:endYear"),
    Case("lead", "ProjectShape-lead",
         "INSERT DATA { project:ai-regio ctl:hasLead network:vanguard-initiative }",
         "ctl:hasLead must point to a ctl:Organisation"),
    Case("partner", "ProjectShape-partner",
         "INSERT DATA { project:ai-regio ctl:hasPartner region:lombardia }",
         "ctl:hasPartner must point to a ctl:Organisation"),
    Case("addresses-ecosystem", "ProjectShape-ecosystem",
         "INSERT DATA { project:ai-regio ctl:addressesEcosystem "
         "techarea:advanced-manufacturing-technologies }",
         "must point to a ctl:InnovationEcosystem"),
    Case("addresses-mission", "ProjectShape-mission",
         "INSERT DATA { project:ai-regio ctl:addressesMission pnrr:M2C1 }",
         "must point to a ctl:PNRRMission"),
    Case("addresses-component", "ProjectShape-component",
         "INSERT DATA { project:ai-regio ctl:addressesComponent pnrr:M2 }",
         "must point to a ctl:PNRRComponent"),
    # ---- SINERGIE blocks
    Case("block-iri", "SynergyBlockShape", _bad_iri("block/AFIL_ai", "ctl:SynergyBlock"),
         "IRI of the form"),
    Case("block-printed-by", "SynergyBlockShape-printedBy", _delete("block:afil-ai-regio", "ctl:printedBy"),
         "printed by exactly one ctl:Cluster"),
    Case("block-printed-by-class", "SynergyBlockShape-printedBy",
         _replace("block:afil-ai-regio", "ctl:printedBy", "organisation:a2a-ambiente"),
         "printed by exactly one ctl:Cluster"),
    Case("block-project", "SynergyBlockShape-project", _delete("block:afil-ai-regio", "ctl:aboutProject"),
         "about at least one ctl:Project"),
    Case("block-project-class", "SynergyBlockShape-project",
         "INSERT DATA { block:afil-ai-regio ctl:aboutProject network:vanguard-initiative }",
         "about at least one ctl:Project"),
    Case("block-ecosystem", "SynergyBlockShape-ecosystem",
         "INSERT DATA { block:afil-ai-regio ctl:listsEcosystem techarea:advanced-manufacturing-technologies }",
         "must point to a ctl:InnovationEcosystem"),
    Case("block-mission", "SynergyBlockShape-mission",
         "INSERT DATA { block:afil-ai-regio ctl:listsMission pnrr:M2C1 }", "must point to a ctl:PNRRMission"),
    Case("block-component", "SynergyBlockShape-component",
         "INSERT DATA { block:afil-ai-regio ctl:listsComponent pnrr:M2 }", "must point to a ctl:PNRRComponent"),
    Case("part-of-project", "ProjectShape-partOf",
         "INSERT DATA { project:fanghi ctl:partOfProject cluster:afil }",
         "ctl:partOfProject must point to a ctl:Project"),
    Case("partner-count-integer", "ProjectShape-reportedPartnerCount",
         _replace("project:ai-regio", "ctl:reportedPartnerCount", "-2"),
         "at most one ctl:reportedPartnerCount, a non-negative xsd:integer"),
    Case("eu-project-blank", "EUProjectShape", "INSERT DATA { _:x a ctl:EUProject }",
         "An EU project must be an IRI resource"),
    Case("eu-project-funding", "EUProjectShape-fundedBy", _delete("project:ai-regio", "ctl:fundedBy"),
         "needs the EU programme that funds it"),
    Case("regional-project-blank", "RegionalProjectShape", "INSERT DATA { _:x a ctl:RegionalProject }",
         "A regional project must be an IRI resource"),
    # ---- stories, events, agreements, working groups
    Case("story-iri", "SuccessStoryShape", _bad_iri("stories/afil-1", "ctl:SuccessStory"),
         "A success story must have an IRI"),
    Case("story-cluster", "SuccessStoryShape-cluster",
         "DELETE DATA { story:afil-1 ctl:successStoryOf cluster:afil . "
         "cluster:afil ctl:hasSuccessStory story:afil-1 }",
         "belongs to at least one ctl:Cluster"),
    Case("story-features", "SuccessStoryShape-features",
         'INSERT DATA { story:afil-1 ctl:features "AI REGIO" }',
         "ctl:features must point to a resource"),
    Case("event-iri", "EventShape", _bad_iri("events/open-day", "ctl:Event"), "An event must have an IRI"),
    Case("event-organiser", "EventShape-organiser",
         'INSERT DATA { event:afil-open-day ctl:organisedBy "AFIL" }',
         "ctl:organisedBy must point to a resource"),
    Case("agreement-iri", "AgreementShape", _bad_iri("agreements/x", "ctl:Agreement"),
         "An agreement must have an IRI"),
    Case("agreement-party", "AgreementShape-party",
         "DELETE DATA { agreement:afil-polimi ctl:hasParty cluster:afil . "
         "organisation:politecnico-di-milano ctl:partyTo agreement:afil-polimi }",
         "at least one party"),
    Case("group-iri", "WorkingGroupShape", _bad_iri("groups/x", "ctl:WorkingGroup"),
         "A working group must have an IRI"),
    Case("group-cluster", "WorkingGroupShape-cluster",
         "DELETE DATA { group:afil-circular-economy ctl:workingGroupOf cluster:afil . "
         "cluster:afil ctl:hasWorkingGroup group:afil-circular-economy }",
         "belongs to exactly one ctl:Cluster"),
    # ---- places
    Case("site-iri", "SiteShape", _bad_iri("sites/afil", "ctl:Site"), "A seat must have an IRI"),
    Case("site-city", "SiteShape-city", _delete("site:afil-bergamo", "ctl:inCity"), "exactly one ctl:City"),
    Case("site-address", "SiteShape-address", "INSERT DATA { site:afil-bergamo schema:address city:bergamo }",
         "at most one schema:address"),
    Case("address-closed", "PostalAddressShape", _address('?a schema:postcode "24126"'),
         "uses only schema:streetAddress"),
    Case("address-street", "PostalAddressShape-street", _address('?a schema:streetAddress "Via Roma, 1"'),
         "At most one schema:streetAddress"),
    Case("address-postal-code", "PostalAddressShape-postalCode",
         "DELETE WHERE { ?a schema:postalCode ?c } ; " + _address('?a schema:postalCode "2412"'),
         "five digits"),
    Case("address-locality", "PostalAddressShape-locality",
         "DELETE WHERE { ?a schema:addressLocality ?l } ; "
         + _address('?a schema:addressLocality "Bergamo"@it'),
         "At most one schema:addressLocality"),
    Case("address-region", "PostalAddressShape-region", _address('?a schema:addressRegion "Lombardia"'),
         "At most one schema:addressRegion"),
    Case("address-country", "PostalAddressShape-country",
         "DELETE WHERE { ?a schema:addressCountry ?c } ; " + _address('?a schema:addressCountry "Italia"'),
         "two-letter ISO 3166 code"),
    Case("city-iri", "CityShape", _bad_iri("cities/bergamo", "ctl:City"), "A city must have an IRI"),
    Case("city-region", "CityShape-region", _replace("city:bergamo", "ctl:inRegion", "cluster:afil"),
         "at most one ctl:Region"),
    Case("region-iri", "RegionShape",
         _bad_iri("regions/lombardia", "ctl:Region"), "A region must have an IRI"),
    Case("region-statistics", "RegionShape-statistics",
         "INSERT DATA { region:lombardia ctl:hasStatistics stats:afil-2022 }",
         "must be ctl:RegionalStatistics"),
    # ---- sources and people
    Case("source-iri", "SourceDocumentShape", _bad_iri("sources/report", "ctl:SourceDocument"),
         "A source must have an IRI"),
    Case("source-part-of", "SourceDocumentShape-partOf",
         _replace("section:afil", "dcterms:isPartOf", "cluster:afil"), "at most one ctl:SourceDocument"),
    Case("person-iri", "PersonShape",
         _bad_iri("people/mario-rossi", "ctl:Person"), "A person must have an IRI"),
    Case("person-role", "PersonShape-role", 'INSERT DATA { person:mario-rossi ctl:hasRole "presidente" }',
         "once per language"),
    Case("person-represents", "PersonShape-represents",
         "INSERT DATA { person:mario-rossi ctl:representative region:lombardia }",
         "ctl:representative must point to a ctl:Organisation"),
    # ---- recommended (warnings)
    Case("rec-success-story", "ClusterSuccessStoryRecommendation",
         "DELETE WHERE { story:afil-1 ?p ?o } ; DELETE WHERE { ?s ?q story:afil-1 }",
         "at least one ctl:SuccessStory"),
    Case("rec-technology-area", "ClusterTechnologyAreaRecommendation",
         _delete("cluster:afil", "ctl:hasTechnologyArea"), "at least one technology area"),
    Case("rec-region", "ClusterRegionRecommendation", _delete("cluster:afil", "ctl:inRegion"),
         "placed in its region"),
    Case("rec-recognition", "ClusterRecognitionRecommendation", _delete("cluster:afil", "ctl:recognisedBy"),
         "body that recognised it"),
    Case("rec-cluster-project", "ClusterProjectRecommendation",
         "DELETE WHERE { ?p ctl:projectOf cluster:afil } ; DELETE WHERE { cluster:afil ctl:hasProject ?q } ; "
         "DELETE WHERE { cluster:afil ctl:hasCurrentProject ?r } ; "
         "DELETE WHERE { ?b ctl:printedBy cluster:afil ; ?bp ?bo }",  # a block needs its cluster's project
         "at least one project"),
    Case("rec-project-cluster", "ProjectClusterRecommendation",
         "DELETE DATA { project:ai-regio ctl:projectOf cluster:afil . "
         "cluster:afil ctl:hasProject project:ai-regio } ; "
         "DELETE WHERE { block:afil-ai-regio ?p ?o }",  # a block needs its cluster's project
         "linked to at least one cluster"),
    Case("rec-funding", "ProjectFundingRecommendation", _delete("project:fanghi", "ctl:fundedBy"),
         "programme or call that funds it"),
    Case("rec-stage", "ProjectStageRecommendation",
         _delete("project:fanghi", "ctl:stage"), "should have a stage"),
    Case("rec-synergy", "CurrentProjectSynergyRecommendation",
         "DELETE WHERE { block:afil-fanghi ?p ?o }", "SINERGIE block"),
    Case("rec-description", "DescriptionRecommendation",
         'DELETE DATA { event:afil-open-day dcterms:description "Evento del cluster."@it }',
         "dcterms:description in Italian and one in English"),
    Case("rec-definition", "ConceptDefinitionRecommendation", _delete("stage:ongoing", "skos:definition"),
         "skos:definition in Italian and one in English"),
    Case("rec-source", "SourceRecommendation", _delete("city:bergamo", "dcterms:source"),
         "where its facts come from"),
    Case("rec-address", "SiteAddressRecommendation",
         "DELETE WHERE { site:afil-bergamo schema:address ?a . ?a ?p ?o }", "postal address"),
    Case("rec-parties", "AgreementPartiesRecommendation",
         "DELETE DATA { organisation:politecnico-di-milano ctl:partyTo agreement:afil-polimi }",
         "at least two parties"),
    # ---- arithmetic
    Case("sum-categories", "StatisticsSumRule",
         _replace("stats:afil-2022", "ctl:companyCount", "115"),
         "add up to 143, but ctl:totalMembers is 144"),
    Case("sum-regional", "RegionalStatisticsSumRule",
         _replace("stats:lombardia-2022", "ctl:companyCount", "117") + " ; "
         + _replace("stats:lombardia-2022", "ctl:totalMembers", "145"),
         "the clusters' statistics of the same year add up to 116"),
    Case("regional-coverage", "RegionalStatisticsCoverageRule",
         _replace("stats:afil-2022", "ctl:referenceYear", '"2021"^^xsd:gYear'),
         "has no statistics for that year"),
    Case("component-mission", "SynergyBlockComponentMissionRule",
         _delete("block:afil-ai-regio", "ctl:listsMission"),
         f"which belongs to mission {ID}pnrr/M2"),
    Case("mission-component-warning", "SynergyBlockMissionComponentRule",
         _delete("block:afil-ai-regio", "ctl:listsComponent"), "but none of its components"),
    Case("block-printer-project", "SynergyBlockPrinterProjectRule",
         "DELETE DATA { project:fanghi ctl:projectOf cluster:afil . cluster:afil ctl:hasCurrentProject "
         "project:fanghi }",
         f"that the cluster printing it ({ID}cluster/afil) takes no part in"),
    Case("project-years", "ProjectYearsRule",
         _replace("project:ai-regio", "ctl:endYear", '"2019"^^xsd:gYear'),
         "ends in 2019, before its start year 2020"),
    Case("partner-count", "PartnerCountRule",
         _replace("project:ai-regio", "ctl:reportedPartnerCount", "1"),
         "names 2 partners, more than the 1"),
    # ---- ontology header (meta.ttl), on ctl.ttl itself
    Case("ontology-iri", "OntologyShape",
         "INSERT DATA { <https://example.org/other-ontology> a owl:Ontology }",
         "under https://w3id.org/lombardia-clusters/ontology", ONTOLOGY),
    Case("ontology-title", "OntologyShape-title",
         "DELETE { ?o dcterms:title ?t } "
         'WHERE { ?o a owl:Ontology ; dcterms:title ?t . FILTER (lang(?t) = "en") }',
         "dcterms:title in Italian and one in English", ONTOLOGY),
    Case("ontology-description", "OntologyShape-description",
         'INSERT { ?o dcterms:description "Ontologie"@de } WHERE { ?o a owl:Ontology }',
         "dcterms:description in Italian and one in English", ONTOLOGY),
    Case("ontology-version-iri", "OntologyShape-versionIRI", _header("owl:versionIRI", '"0.1.0"'),
         "exactly one owl:versionIRI", ONTOLOGY),
    Case("ontology-version-info", "OntologyShape-versionInfo", _header("owl:versionInfo", '"v0.1"'),
         "semantic version", ONTOLOGY),
    Case("ontology-license", "OntologyShape-license",
         _header("dcterms:license", "<https://creativecommons.org/licenses/by-sa/4.0/>"),
         "published under CC BY 4.0", ONTOLOGY),
    Case("ontology-prefix", "OntologyShape-prefix", _header("vann:preferredNamespacePrefix", '"CTL"'),
         "exactly one vann:preferredNamespacePrefix", ONTOLOGY),
    Case("ontology-namespace", "OntologyShape-namespace", _header("vann:preferredNamespaceUri", f"<{CTL}>"),
         "written as a literal", ONTOLOGY),
    Case("ontology-created", "OntologyShape-created", _header("dcterms:created", '"2099-01-01"^^xsd:date'),
         "not later than dcterms:modified", ONTOLOGY),
    Case("ontology-modified", "OntologyShape-modified",
         "DELETE { ?o dcterms:modified ?m } WHERE { ?o a owl:Ontology ; dcterms:modified ?m }",
         "exactly one dcterms:modified", ONTOLOGY),
    Case("ontology-version-rule", "OntologyVersionRule",
         _header("owl:versionIRI", "<https://w3id.org/lombardia-clusters/ontology/0.2.0>"),
         "make it https://w3id.org/lombardia-clusters/ontology/0.1.0", ONTOLOGY),
    Case("ontology-namespace-rule", "OntologyNamespaceRule",
         _header("vann:preferredNamespaceUri", '"https://w3id.org/lombardia-clusters/ontologia#"'),
         "or of one it imports, followed by # or /", ONTOLOGY),
]

INVALID = [pytest.param(c.shape, c.graph, c.update, c.expected, id=c.id) for c in INVALID_CASES]

# Variants of the fixture that must still pass without a single finding: no rule is stricter than meant.
VALID = [
    pytest.param("DELETE DATA { cluster:afil ctl:hasStatistics stats:afil-2022 }",
                 id="statistics-linked-one-way"),
    pytest.param("DELETE DATA { stats:afil-2022 ctl:statisticsOf cluster:afil }",
                 id="statistics-linked-other-way"),
    pytest.param("DELETE DATA { story:afil-1 ctl:successStoryOf cluster:afil }",
                 id="story-linked-from-cluster"),
    pytest.param(_replace("project:ai-regio", "ctl:endYear", '"2020"^^xsd:gYear'), id="project-one-year"),
    pytest.param("DELETE DATA { project:ai-regio ctl:hasLead organisation:politecnico-di-milano }",
                 id="fewer-partners-than-reported"),
    pytest.param(_delete("cluster:afil", "ctl:acronym"), id="no-acronym"),
    pytest.param("DELETE DATA { project:ai-regio ctl:projectOf cluster:afil . "
                 "cluster:afil ctl:hasProject project:ai-regio } ; "
                 + _replace("project:ai-regio", "ctl:hasLead", "cluster:afil"), id="cluster-as-lead"),
    pytest.param("INSERT DATA { network:vanguard-initiative schema:url <https://a.example.org> , "
                 "<https://b.example.org> }", id="network-with-two-websites"),
]
# fmt: on

# The same for the ontology header.
VALID_HEADERS = [
    pytest.param(
        "INSERT DATA { <https://w3id.org/lombardia-clusters/ontology/alignments> a owl:Ontology ; "
        "owl:imports <https://w3id.org/lombardia-clusters/ontology> ; "
        'vann:preferredNamespaceUri "https://w3id.org/lombardia-clusters/ontology#" }',
        id="module-keeps-imported-namespace",
    ),
]


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="session")
def ontology() -> Graph:
    return load_ontology()


@pytest.fixture(scope="session")
def base() -> Graph:
    return Graph().parse(FIXTURE, format="turtle")


def _run(which: str, update: str | None, base: Graph, ontology: Graph, shapes: Graph) -> ValidationReport:
    """Validate a copy of the fixture (with the ontology) or of the ontology itself, after `update`."""
    source = base if which == DATA else ontology
    graph = Graph()
    graph += source
    if update:
        graph.update(update, initNs=dict(source.namespaces()))
    return validate(graph, ontology=ontology if which == DATA else None, shapes=shapes)


def _report(findings: tuple[Finding, ...]) -> str:
    return "\n".join(
        f"{f.severity} {f.source_shape} {f.focus_node} {f.path} {f.value}: {f.message_en}" for f in findings
    )


def _named_shapes(shapes: Graph) -> set[URIRef]:
    found = {*shapes.subjects(RDF.type, SH.NodeShape), *shapes.subjects(RDF.type, SH.PropertyShape)}
    found |= {*shapes.objects(None, SH.property), *shapes.subjects(SH.path, None)}
    # Shapes nested in sh:not, sh:or or sh:qualifiedValueShape are parameters of a named shape's constraint.
    return {shape for shape in found if isinstance(shape, URIRef)}


def _fills(template: str, text: str) -> bool:
    pieces = re.split(r"\{[?$]\w+\}", template)
    return re.fullmatch(".*?".join(re.escape(piece) for piece in pieces), text, flags=re.DOTALL) is not None


def _messages(shapes: Graph, shape: URIRef, language: str) -> list[str]:
    messages = shapes.objects(shape, SH.message)
    return [str(m) for m in messages if isinstance(m, Literal) and m.language == language]


# ---- the fixture is the valid example of every shape


@pytest.mark.parametrize("which", [DATA, ONTOLOGY])
def test_fixture_conforms_without_findings(which: str, base: Graph, ontology: Graph, shapes: Graph) -> None:
    report = _run(which, None, base, ontology, shapes)
    assert report.conforms
    assert report.findings == (), _report(report.findings)


@pytest.mark.parametrize("update", VALID)
def test_valid_variant_conforms(update: str, base: Graph, ontology: Graph, shapes: Graph) -> None:
    report = _run(DATA, update, base, ontology, shapes)
    assert report.findings == (), _report(report.findings)


@pytest.mark.parametrize("update", VALID_HEADERS)
def test_valid_header_variant_has_no_meta_rule_finding(
    update: str, base: Graph, ontology: Graph, shapes: Graph
) -> None:
    report = _run(ONTOLOGY, update, base, ontology, shapes)
    rules = {CTLSH + "OntologyNamespaceRule", CTLSH + "OntologyVersionRule"}
    assert not [f for f in report.findings if f.source_shape in rules], _report(report.findings)


# ---- a broken variant per shape


@pytest.mark.parametrize(("shape", "which", "update", "expected"), INVALID)
def test_invalid_variant_fails_with_shape(
    shape: str, which: str, update: str, expected: str, base: Graph, ontology: Graph, shapes: Graph
) -> None:
    shape_iri = URIRef(CTLSH + shape)
    report = _run(which, update, base, ontology, shapes)
    mine = [f for f in report.findings if f.source_shape == str(shape_iri)]
    assert mine, f"no result from {shape}; got:\n{_report(report.findings)}"
    finding = mine[0]
    assert expected in finding.message_en
    assert any(_fills(m, finding.message_it) for m in _messages(shapes, shape_iri, "it")), finding.message_it
    severity = shapes.value(shape_iri, SH.severity)
    assert severity is not None
    assert finding.severity == str(severity).rsplit("#", 1)[1]
    # A broken rule blocks conformance exactly when it is a violation; a warning case breaks nothing else.
    assert report.conforms is (severity != SH.Violation), _report(report.findings)


def test_every_shape_has_an_invalid_case(shapes: Graph) -> None:
    named = {str(shape) for shape in _named_shapes(shapes)}
    tested = {CTLSH + case.shape for case in INVALID_CASES}
    assert not named - tested, f"shapes without an invalid example: {sorted(named - tested)}"
    assert not tested - named, f"cases for shapes that do not exist: {sorted(tested - named)}"


# ---- every shape is documented in both languages and has a deliberate severity


@pytest.mark.parametrize("shape", sorted(_named_shapes(load_shapes())), ids=lambda s: s.rsplit("#", 1)[1])
def test_shape_has_names_messages_and_severity(shape: URIRef, shapes: Graph) -> None:
    assert str(shape).startswith(CTLSH)
    for prop in (SH.name, SH.message):
        languages = [o.language for o in shapes.objects(shape, prop) if isinstance(o, Literal)]
        assert sorted(lang or "" for lang in languages) == ["en", "it"], f"{prop} of {shape}: {languages}"
    assert [*shapes.objects(shape, SH.severity)] in ([SH.Violation], [SH.Warning], [SH.Info])


def test_property_shapes_are_named(shapes: Graph) -> None:
    anonymous = [s for s in shapes.objects(None, SH.property) if isinstance(s, BNode)]
    assert not anonymous, "give every property shape an IRI, so that it can be the sh:sourceShape of a result"


# ---- the report


def test_report_counts_and_json(base: Graph, ontology: Graph, shapes: Graph) -> None:
    update = _delete("project:fanghi", "ctl:stage") + " ; " + _delete("cluster:afil", "ctl:hasSeat")
    report = _run(DATA, update, base, ontology, shapes)
    assert not report.conforms
    assert report.counts() == {"Violation": 1, "Warning": 1, "Info": 0}
    data = report.to_json()
    assert data["conforms"] is False
    assert data["counts"] == {"Violation": 1, "Warning": 1, "Info": 0}
    findings = data["findings"]
    assert isinstance(findings, list)
    assert [f["severity"] for f in findings] == ["Violation", "Warning"]
    assert findings[0] == {
        "focus_node": f"{ID}cluster/afil",
        "path": f"{CTL}hasSeat",
        "value": None,
        "message_en": "A cluster needs at least one seat (ctl:hasSeat).",
        "message_it": "Un cluster richiede almeno una sede (ctl:hasSeat).",
        "severity": "Violation",
        "source_shape": CTLSH + "ClusterShape-seat",
        "constraint_component": str(SH.MinCountConstraintComponent),
    }


def test_warnings_alone_conform(base: Graph, ontology: Graph, shapes: Graph) -> None:
    report = _run(DATA, _delete("project:fanghi", "ctl:stage"), base, ontology, shapes)
    assert report.conforms
    assert report.counts()["Warning"] == 1


def test_sparql_messages_are_split_by_language(base: Graph, ontology: Graph, shapes: Graph) -> None:
    update = _replace("project:ai-regio", "ctl:endYear", '"2019"^^xsd:gYear')
    (finding,) = _run(DATA, update, base, ontology, shapes).findings
    assert finding.message_en == "The project ends in 2019, before its start year 2020."
    assert finding.message_it == "Il progetto finisce nel 2019, prima del suo anno di inizio 2020."
    assert finding.path == f"{CTL}endYear"
    assert finding.value == '"2019"^^<http://www.w3.org/2001/XMLSchema#gYear>'


def test_complex_paths_are_written_in_sparql_syntax(base: Graph, ontology: Graph, shapes: Graph) -> None:
    update = (
        "DELETE DATA { story:afil-1 ctl:successStoryOf cluster:afil . "
        "cluster:afil ctl:hasSuccessStory story:afil-1 }"
    )
    report = _run(DATA, update, base, ontology, shapes)
    (finding,) = [f for f in report.findings if f.source_shape == CTLSH + "SuccessStoryShape-cluster"]
    assert finding.path == f"<{CTL}successStoryOf>|^<{CTL}hasSuccessStory>"


# ---- the shipped data


def test_shipped_data_conforms(ontology: Graph, shapes: Graph) -> None:
    data = Graph()
    for file in sorted((ROOT / "data").rglob("*.ttl")):
        data.parse(file, format="turtle")
    report = validate(data, ontology=ontology, shapes=shapes)
    print(_report(report.findings))
    assert report.conforms, _report(report.by_severity("Violation"))

"""IRIs and this server's paths: the one place where the base IRI meets the URL space of a deployment.

Every IRI the project mints (``namespaces.BASE``) dereferences here, so a deployment that sets
CTLKG_BASE_IRI to its own host gets working links with no other change.

>>> to_local(namespaces.BASE + "id/cluster/afil")
'/id/cluster/afil'
>>> to_local(namespaces.ONTOLOGY_IRI + "#Cluster")
'/ontology#Cluster'
>>> to_local("https://schema.org/url") is None
True
>>> to_iri("/id/cluster/afil") == namespaces.BASE + "id/cluster/afil"
True
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, unquote

from ctlkg.rdf import namespaces

#: IRIs that dereference at a path of their own.
EXACT_PATHS: dict[str, str] = {namespaces.ONTOLOGY_IRI: "/ontology"}
#: Base IRI prefix -> local path prefix (the page scripts get both maps from ``web.html.page_data``).
PATH_PREFIXES: tuple[tuple[str, str], ...] = (
    (namespaces.BASE + "id/", "/id/"),
    (namespaces.ONTOLOGY_IRI + "#", "/ontology#"),
)


def to_local(iri: str) -> str | None:
    """The local path that dereferences ``iri``, or None when the IRI is not ours."""
    if iri in EXACT_PATHS:
        return EXACT_PATHS[iri]
    for base, local in PATH_PREFIXES:
        if iri.startswith(base) and len(iri) > len(base):
            # Keep the characters that are legal in a path as they are, escape the rest.
            return local + quote(iri[len(base) :], safe="/:@!$&'()*+,;=-._~%#")
    return None


def to_iri(path: str) -> str:
    """The IRI that a local path (``/id/...`` or ``/ontology``) stands for: the inverse of ``to_local``."""
    if path == "/ontology":
        return namespaces.ONTOLOGY_IRI
    if path.startswith("/id/"):
        return namespaces.BASE + "id/" + unquote(path[len("/id/") :])
    raise ValueError(f"{path} is not a linked-data path")


def href(iri: str) -> str | None:
    """Where a link to ``iri`` should point: our page for our IRIs, the IRI itself for http(s) ones.

    Any other scheme (``javascript:``, ``data:``, ``urn:``) gets no link at all, whatever the data says.
    """
    local = to_local(iri)
    if local is not None:
        return local
    return iri if iri.lower().startswith(("http://", "https://")) else None


def curie(iri: str, prefixes: Mapping[str, str] = namespaces.PREFIXES) -> str:
    """A short name (``ctl:Cluster``, ``schema:url``) when a prefix fits (the longest namespace wins), else
    the IRI unchanged; ``prefixes`` adds a page's own (the VoID page's void: and dcat:).

    >>> triples = "http://rdfs.org/ns/void#triples"
    >>> curie(triples), curie(triples, {"void": "http://rdfs.org/ns/void#"})
    ('http://rdfs.org/ns/void#triples', 'void:triples')
    """
    best = ""
    for prefix, base in prefixes.items():
        if iri.startswith(base) and len(base) > len(prefixes.get(best, "")):
            best = prefix
    if not best:
        return iri
    rest = iri[len(prefixes[best]) :]
    return f"{best}:{rest}" if rest else iri

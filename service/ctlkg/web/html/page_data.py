"""What the page scripts need to know about IRIs, from the one place the server keeps it.

The scripts show prefixed names, link our IRIs to our pages and sort numbers as numbers; rather than
copy the prefixes, the IRI-to-page map and a list of number types into JavaScript (where they would drift
from ``ctlkg.rdf``), the pages carry them as JSON in a ``data-site`` attribute, read by
``service/web/src/site.js``.

>>> site = json.loads(site_json())
>>> site["prefixes"]["ctl"] == namespaces.PREFIXES["ctl"]
True
>>> site["exact"][namespaces.ONTOLOGY_IRI]
'/ontology'
"""

from __future__ import annotations

import json
from functools import cache

from ctlkg.rdf import links, namespaces

_XSD = namespaces.PREFIXES["xsd"]
#: The literals the results table right-aligns and sorts as numbers (years too: they sort like numbers).
NUMERIC_DATATYPES = tuple(
    _XSD + name
    for name in (
        "integer", "decimal", "double", "float", "nonNegativeInteger", "positiveInteger", "long", "int",
        "short", "gYear",
    )
)


@cache
def site() -> dict[str, object]:
    """The prefixes, the IRIs that open a page as they are, the IRI prefixes that map to a local path
    (longest first, as ``links.to_local`` tries them), and the numeric datatypes."""
    return {
        "prefixes": dict(namespaces.PREFIXES),
        "exact": dict(links.EXACT_PATHS),
        "local": [list(pair) for pair in sorted(links.PATH_PREFIXES, key=lambda p: -len(p[0]))],
        "numeric": list(NUMERIC_DATATYPES),
    }


@cache
def site_json() -> str:
    """``site()`` as the JSON a template puts in ``data-site`` (autoescaped there, so never markup)."""
    return json.dumps(site(), ensure_ascii=False, separators=(",", ":"))

"""How many records of each kind a store holds: one aggregate query, for the CLI and the home page."""

from __future__ import annotations

from graph.namespaces import DCAT, DUV, FOAF, ORG
from graph.store.base import Store

KINDS = {
    "resources": DCAT.Resource,
    "organisations": ORG.Organization,
    "people": FOAF.Person,
    "usages": DUV.Usage,
    "documents": FOAF.Document,
}
COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { dcat:Resource org:Organization foaf:Person duv:Usage foaf:Document }
  ?s a ?class
} GROUP BY ?class
"""


def record_counts(store: Store) -> dict[str, int]:
    found = {
        row[0]: int(row[1].value) for row in store.select(COUNTS).rows if row[0] is not None and row[1] is not None
    }
    return {name: found.get(cls, 0) for name, cls in KINDS.items()}

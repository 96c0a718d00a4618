"""Full-text search: a SQLite FTS5 index of the store's records, with French analysis and facets."""

from __future__ import annotations

from graph.search.facets import FACETS
from graph.search.index import SearchIndex
from graph.search.results import SORTS, FacetCount, Hit, Results, Search

__all__ = ["FACETS", "SORTS", "FacetCount", "Hit", "Results", "Search", "SearchIndex"]

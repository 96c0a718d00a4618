"""Full-text search: a SQLite FTS5 index of the store's records, with French analysis and facets."""

from __future__ import annotations

from graph.search.index import FACETS, FacetCount, Hit, Results, Search, SearchIndex

__all__ = ["FACETS", "FacetCount", "Hit", "Results", "Search", "SearchIndex"]

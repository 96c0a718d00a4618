"""What a search asks (``Search``) and what it answers (``Results``: hits, facet counts, notices)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SORTS = ("relevance", "date", "title")  # relevance without words: by title


@dataclass
class Hit:
    iri: str
    href: str
    title: str
    kind: dict[str, str] | None
    producer: dict[str, str] | None
    access: dict[str, str] | None
    themes: list[dict[str, str]]
    keywords: list[str]
    excerpt: str  # safe HTML: escaped text, matched words in <mark>
    title_html: str
    score: float | None
    modified: str | None = None


@dataclass
class FacetCount:
    value: str
    label: str
    iri: str
    count: int
    selected: bool


@dataclass
class Results:
    query: str
    filters: dict[str, list[str]]
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetCount]]
    millis: float = 0.0
    sort: str = "relevance"
    partial: bool = False  # the records holding every word were few: those holding some of them are added
    all_words: int | None = None  # with words: how many of the results hold every one
    suggestion: str | None = None  # the query with unknown words replaced by the closest known ones

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class Search:
    """A search: text, filters (AND across facets, OR within one), page, order (``SORTS``)."""

    q: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"

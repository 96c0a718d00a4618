"""A long list on a record page shown a page at a time (``?page=N``, ``PER_PAGE`` items), with the links of the
DSFR pagination: first, previous, the pages around the current one, next, last."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from graph.errors import whole_number
from graph.web.urls import UnknownIri

PER_PAGE = 50
AROUND = 2  # page numbers shown on each side of the current one

T = TypeVar("T")


@dataclass
class ListPage(Generic[T]):
    items: list[T]
    number: int
    last: int
    total: int
    first: int  # the position of the first item shown, from 1 (0 when the list is empty)
    links: list[tuple[str, str | None]]  # (label, href); href None for the current page and "…"
    href: Callable[[int], str]

    @property
    def previous(self) -> str | None:
        return self.href(self.number - 1) if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.href(self.number + 1) if self.number < self.last else None

    @property
    def first_href(self) -> str | None:
        return self.href(1) if self.number > 1 else None

    @property
    def last_href(self) -> str | None:
        return self.href(self.last) if self.number < self.last else None


def page_number(raw: str | None, name: str = "page") -> int:
    """``?page=`` (or ``?{name}=``): 1 when absent; 400 when it is not a whole number of 1 or more."""
    return whole_number(name, raw, 1)


def paged(items: Sequence[T], number: int, href: Callable[[int], str], per_page: int = PER_PAGE) -> ListPage[T]:
    """Page ``number`` of ``items``; a page beyond the last is a 404 (the first page of an empty list exists)."""
    last = max(1, -(-len(items) // per_page))
    if number > last:
        raise UnknownIri(f"page {number} does not exist: the list has {last} page(s) of {per_page}")
    start = (number - 1) * per_page
    links: list[tuple[str, str | None]] = []
    shown = sorted({1, last, *range(max(1, number - AROUND), min(last, number + AROUND) + 1)})
    for i, n in enumerate(shown):
        if i and n - shown[i - 1] > 1:
            links.append(("…", None))
        links.append((str(n), None if n == number else href(n)))
    return ListPage(
        list(items[start : start + per_page]), number, last, len(items), start + 1 if items else 0, links, href
    )

"""What a harvest source plugin provides: a ``SourceKind`` that opens a ``Source`` for a request."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from graph.config import Settings
from graph.harvest.records import Record
from graph.iris import Iris
from graph.store.base import Store


@dataclass
class SourceRequest:
    """What to harvest: the locations (catalogue URL or file; an adapter's files or URLs), under the settings
    (timeouts, retries, size and page caps), the store (for the concepts values are mapped to)."""

    name: str  # the source's short name: its graph is graph/harvest/<name>
    locations: list[str]
    iris: Iris
    settings: Settings
    store: Store
    accounts: str | None = None  # code.gouv.fr accounts file, for adapters that name publishers by account
    on_page: Callable[[int], None] | None = None  # told the number of triples of each page read


class OpenSource(Protocol):
    """A source being read: its records, then ``close()`` (network connections, files)."""

    name: str

    def records(self) -> Iterator[Record]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SourceKind:
    name: str
    description: str  # what it reads, for help and error messages
    open: Callable[[SourceRequest], OpenSource]
    one_location: bool = False  # reads exactly one location

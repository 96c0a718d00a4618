"""What a command needs, built once from the settings: the store, the validator, the writer (the one write path,
followed by the search index beside an on-disk store)."""

from __future__ import annotations

import sys
from pathlib import Path

from pyoxigraph import NamedNode
from tqdm import tqdm

from graph.config import Settings
from graph.errors import StoreError
from graph.iris import Iris
from graph.search import SearchIndex
from graph.search.follow import IndexFollower
from graph.store import Store, open_store
from graph.validation import Validator
from graph.writer import Writer


class App:
    """What a command needs, built once from the settings."""

    def __init__(self, settings: Settings, *, may_create: bool = True) -> None:
        self.settings = settings
        self.may_create = may_create  # False: a missing store directory is an error, not a new empty store
        self.iris = Iris(settings.base_iri)
        self._store: Store | None = None
        self._validator: Validator | None = None
        self._writer: Writer | None = None
        self._follower: IndexFollower | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            settings = self.settings
            path = Path(settings.store_path)
            on_disk = settings.store == "embedded" and settings.store_path != ":memory:"
            if on_disk and not self.may_create and not path.exists():
                raise StoreError(
                    f"no store at {path} (store_path): build one with 'ressourcerie seed', or give --store"
                )
            self._store = open_store(settings)
        return self._store

    @property
    def validator(self) -> Validator:
        if self._validator is None:
            self._validator = Validator()
        return self._validator

    @property
    def writer(self) -> Writer:
        """The one write path; the search index beside an on-disk store follows its writes."""
        if self._writer is None:
            self._writer = Writer(self.store, self.validator, self.iris)
            if self.settings.search_index_file != ":memory:":
                self._follower = IndexFollower(self.search_index(), self.store)
                self._writer.subscribe(self._follower)
        return self._writer

    def graph(self, name: str) -> NamedNode:
        if "://" in name:
            return NamedNode(name)
        return self.iris.graph(name)

    def progress(self, total: int, desc: str) -> tqdm | None:
        mode = self.settings.progress
        show = mode == "always" or (mode == "auto" and sys.stderr.isatty())
        return tqdm(total=total, desc=desc, unit="B", unit_scale=True, file=sys.stderr) if show else None

    def search_index(self) -> SearchIndex:
        return SearchIndex.open(self.settings.search_index_file, self.settings.base_iri)

    def close(self) -> None:
        if self._follower is not None:
            self._follower.close()
            self._follower = None
        self._writer = None
        if self._store is not None:
            self._store.close()
            self._store = None

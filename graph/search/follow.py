"""A search index that follows the writer: each committed write indexes the records it touched again.

The index must be in step with the store before the first write for that to be enough: ``IndexFollower``
checks it when it starts following (a command's first write), and builds the index again after the write
when it was not.
"""

from __future__ import annotations

from graph.search.index import SearchIndex
from graph.store.base import Store
from graph.writer import Change


class IndexFollower:
    """``writer.subscribe(IndexFollower(index, store))``; ``close()`` records the fingerprint."""

    def __init__(self, index: SearchIndex, store: Store) -> None:
        self.index = index
        self.store = store
        self.in_step = index.stored_fingerprint() == index.fingerprint(store)

    def __call__(self, change: Change) -> None:
        if self.in_step:
            self.index.update(self.store, change.records)
        else:
            self.index.sync(self.store)
            self.in_step = True

    def close(self) -> None:
        try:
            self.index.checkpoint(self.store)
        finally:
            self.index.close()

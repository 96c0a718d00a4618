"""The facet values of every record, kept beside the index in arrays by record id, counted at C speed.

Each facet has one array of value codes per "slot": a record's kind, access or producer in the first slot, its
themes in as many slots as it has themes. Counting the values among a set of matching ids is, per slot, one
``collections.Counter`` over ``operator.itemgetter(*ids)(slot)``: no Python loop over the matches. Filters
keep the ids with a ticked value in one of the facet's slots. The table is filled from the index once, then
patched record by record after writes.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter

FACETS = ("kind", "theme", "producer", "access")


@dataclass
class Tally:
    """The ids passing every filter, and per facet the counts of its values among the ids passing the other
    facets' filters (so that a ticked value's alternatives keep their count)."""

    passing: list[int]
    counts: dict[str, dict[str, int]]

    @property
    def total(self) -> int:
        return len(self.passing)


class FacetTable:
    """``put(id, values)``, ``drop(id)``, ``tally(ids, filters)``; labels of the values by (facet, value)."""

    def __init__(self) -> None:
        self._codes: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        self._values: dict[str, list[str]] = {f: [""] for f in FACETS}  # code 0: no value
        self._slots: dict[str, list[array[int]]] = {f: [] for f in FACETS}
        self._present = bytearray()
        self._ids: list[int] | None = None
        self.labels: dict[tuple[str, str], tuple[str, str]] = {}  # (facet, value) -> (label, iri)

    def put(self, rid: int, values: Mapping[str, Sequence[str]]) -> None:
        """The facet values of one record (replacing what it had)."""
        self._grow(rid + 1)
        for f in FACETS:
            codes = [self._code(f, v) for v in sorted(set(values.get(f, ())))]
            slots = self._slots[f]
            while len(slots) < len(codes):
                slots.append(array("I", [0]) * len(self._present))
            for i, slot in enumerate(slots):
                slot[rid] = codes[i] if i < len(codes) else 0
        self._present[rid] = 1
        self._ids = None

    def drop(self, rid: int) -> None:
        if rid < len(self._present):
            for slots in self._slots.values():
                for slot in slots:
                    slot[rid] = 0
            self._present[rid] = 0
            self._ids = None

    def ids(self) -> list[int]:
        """Every record's id, in order."""
        if self._ids is None:
            self._ids = [i for i, p in enumerate(self._present) if p]
        return self._ids

    def tally(self, ids: list[int], filters: Mapping[str, Sequence[str]]) -> Tally:
        """Counts among ``ids`` (records of the table)."""
        pick = _Pick(ids)
        checks = {f: self._allowed(f, v) for f, v in filters.items() if v}
        if not checks:
            return Tally(ids, self._count(pick, FACETS))
        masks = {f: self._mask(pick, f, ok) for f, ok in checks.items()}
        passing = list(compress(ids, map(all, zip(*masks.values(), strict=True))))
        counts = self._count(_Pick(passing), [f for f in FACETS if f not in checks])
        for f in checks:  # its alternatives: the ids passing the other facets' filters
            others = [m for g, m in masks.items() if g != f]
            counts |= self._count(
                _Pick(list(compress(ids, map(all, zip(*others, strict=True))))) if others else pick, [f]
            )
        return Tally(passing, counts)

    def _grow(self, size: int) -> None:
        if size > len(self._present):
            more = size - len(self._present)
            self._present.extend(bytes(more))
            for slots in self._slots.values():
                for slot in slots:
                    slot.extend([0] * more)

    def _code(self, facet: str, value: str) -> int:
        code = self._codes[facet].get(value)
        if code is None:
            code = self._codes[facet][value] = len(self._values[facet])
            self._values[facet].append(value)
        return code

    def _allowed(self, facet: str, values: Sequence[str]) -> set[int]:
        return {self._codes[facet][v] for v in values if v in self._codes[facet]}

    def _mask(self, pick: _Pick, facet: str, allowed: set[int]) -> list[bool]:
        """For each id, whether it has one of the allowed values (in any slot of the facet)."""
        has = allowed.__contains__
        per_slot = [list(map(has, pick(slot))) for slot in self._slots[facet]]
        if not per_slot:
            return [False] * pick.size
        return per_slot[0] if len(per_slot) == 1 else list(map(any, zip(*per_slot, strict=True)))

    def _count(self, pick: _Pick, facets: Sequence[str]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {f: {} for f in facets}
        if not pick.size:
            return out
        for f in facets:
            values = self._values[f]
            for slot in self._slots[f]:
                counted = {values[code]: n for code, n in Counter(pick(slot)).items() if code}
                if out[f]:  # another slot of the facet (a second theme): add up
                    counted = {v: counted.get(v, 0) + out[f].get(v, 0) for v in counted.keys() | out[f].keys()}
                out[f] = counted
        return out


class _Pick:
    """The items of some ids in an array, as a tuple (``operator.itemgetter``, one C call)."""

    def __init__(self, ids: Sequence[int]) -> None:
        self.size = len(ids)
        self._get = itemgetter(*ids) if len(ids) > 1 else None
        self._one = ids[0] if len(ids) == 1 else None

    def __call__(self, slot: array[int]) -> tuple[int, ...]:
        if self._get is not None:
            return self._get(slot)  # type: ignore[no-any-return]
        return (slot[self._one],) if self._one is not None else ()

"""The facet values of every record, kept beside the index in arrays by record id, counted at C speed.

The single-valued facets of few values (kind, access) are kept together: each record has one *combination*
code, that of its kind and its access, and the combinations are few (23 at 100,000 records). Counting them among
a set of matching ids is one ``collections.Counter`` over ``operator.itemgetter(*ids)(combinations)``, then each
combination's count is added to its values: one pass over the matches for both facets. The other facets (theme,
producer) have one array of value codes per "slot": a record's producer in the first slot, its themes in as many
slots as it has themes, each counted the same way. (Sets of themes as combinations were tried: the generated
data has one set for nine records, so adding up the sets' counts cost more than the slots' passes.)
Filters keep the ids with a ticked value. The table is filled from the index once, then patched record by
record after writes.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter

FACETS = ("kind", "theme", "producer", "access")
GROUPED = ("kind", "access")  # kept as combinations: single-valued facets of few values
NO_VALUES: tuple[tuple[int, ...], ...] = tuple(() for _ in GROUPED)  # combination 0: a record without any


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
        self._combos: dict[tuple[tuple[int, ...], ...], int] = {NO_VALUES: 0}
        self._combo_list: list[tuple[tuple[int, ...], ...]] = [NO_VALUES]
        self._grouped = array("I")  # by record id: its combination of the grouped facets' values
        self._slots: dict[str, list[array[int]]] = {f: [] for f in FACETS if f not in GROUPED}
        self._present = bytearray()
        self._ids: list[int] | None = None
        self.labels: dict[tuple[str, str], tuple[str, str]] = {}  # (facet, value) -> (label, iri)

    def put(self, rid: int, values: Mapping[str, Sequence[str]]) -> None:
        """The facet values of one record (replacing what it had)."""
        self._grow(rid + 1)
        combo = tuple(tuple(self._code(f, v) for v in sorted(set(values.get(f, ())))) for f in GROUPED)
        code = self._combos.get(combo)
        if code is None:
            code = self._combos[combo] = len(self._combo_list)
            self._combo_list.append(combo)
        self._grouped[rid] = code
        for f, slots in self._slots.items():
            codes = [self._code(f, v) for v in sorted(set(values.get(f, ())))]
            while len(slots) < len(codes):
                slots.append(array("I", [0]) * len(self._present))
            for i, slot in enumerate(slots):
                slot[rid] = codes[i] if i < len(codes) else 0
        self._present[rid] = 1
        self._ids = None

    def drop(self, rid: int) -> None:
        if rid < len(self._present):
            self._grouped[rid] = 0
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
            self._grouped.extend(array("I", [0]) * more)
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
        if facet in GROUPED:
            at = GROUPED.index(facet)
            combos = {k for k, combo in enumerate(self._combo_list) if not allowed.isdisjoint(combo[at])}
            return list(map(combos.__contains__, pick(self._grouped)))
        has = allowed.__contains__
        per_slot = [list(map(has, pick(slot))) for slot in self._slots[facet]]
        if not per_slot:
            return [False] * pick.size
        return per_slot[0] if len(per_slot) == 1 else list(map(any, zip(*per_slot, strict=True)))

    def _count(self, pick: _Pick, facets: Sequence[str]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {f: {} for f in facets}
        if not pick.size:
            return out
        grouped = [(GROUPED.index(f), out[f], self._values[f]) for f in facets if f in GROUPED]
        if grouped:
            combos = self._combo_list
            for combo, n in Counter(pick(self._grouped)).items():
                for at, counts, values in grouped:
                    for code in combos[combo][at]:
                        value = values[code]
                        counts[value] = counts.get(value, 0) + n
        for f in facets:
            if f in GROUPED:
                continue
            values = self._values[f]
            for slot in self._slots[f]:
                counted = {values[code]: n for code, n in Counter(pick(slot)).items() if code}
                if out[f]:  # another slot of the facet (a second value): add up
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

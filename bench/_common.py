"""What every scenario shares: a result row, timing helpers, the generated files."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.generate import write_file


@dataclass
class Row:
    """One measurement: a scenario, the target measured, a metric, and its ratio to the scenario's peer."""

    scenario: str
    target: str
    metric: str
    value: float
    unit: str
    ratio: float | None = None
    peer: str = ""
    note: str = ""


@dataclass
class Context:
    """The run's settings and its generated data files (made once, shared by the scenarios)."""

    size: int
    workdir: Path
    repeats: int = 3
    duration: float = 5.0
    clients: int = 10
    caps: dict[str, int] = field(default_factory=dict)
    floor: float | None = None  # req/s of the bare ASGI app under the same server and clients, once measured
    _files: dict[tuple[int, int], Path] = field(default_factory=dict)

    def data(self, size: int | None = None, defects: int = 0) -> Path:
        """The generated graph (N-Quads, with the ontology graph) at ``size`` triples."""
        n = self.size if size is None else size
        key = (n, defects)
        if key not in self._files:
            path = self.workdir / f"data-{n}-{defects}.nq"
            write_file(path, n, defects=defects, ontology=True)
            self._files[key] = path
        return self._files[key]

    def capped(self, name: str) -> tuple[int, str]:
        """The size a capped target runs at, and a note saying so when it is below the run's size."""
        cap = self.caps.get(name, self.size)
        if cap < self.size:
            return cap, f"capped at {cap:,} triples"
        return self.size, ""


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_time(fn: Callable[[], object], repeats: int, setup: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        times.append(timed(fn))
    return statistics.median(times)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank; 0 when there are no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)

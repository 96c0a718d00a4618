"""Many queries as one: each a branch of a UNION, tagged with its index.

Parsing and planning a query costs pyoxigraph about 0.1 ms, more than running most of a validation's queries
on a small data graph; one query with many branches pays it once. The branches are evaluated one after the
other, as separate queries would be.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.shacl.sources import Source
from graph.shacl.terms import Term

CHUNK = 64  # branches per query: a bound on the query text


def exists(source: Source, patterns: Sequence[str]) -> set[int]:
    """The indexes of the queries (or group patterns) that have at least one solution."""
    found: set[int] = set()
    for start in range(0, len(patterns), CHUNK):
        branches = " UNION ".join(
            f"{{ SELECT ({i} AS ?branch) WHERE {{ {{ {p} }} }} LIMIT 1 }}"
            for i, p in enumerate(patterns[start : start + CHUNK], start)
        )
        found.update(int(row[0].value) for row in source.select(f"SELECT ?branch WHERE {{ {branches} }}"))  # type: ignore[union-attr]
    return found


def select(source: Source, queries: Sequence[tuple[str, Sequence[str]]]) -> dict[int, list[dict[str, Term | None]]]:
    """The rows of each SELECT query (given with the variables to keep), by index; queries without rows are
    left out."""
    out: dict[int, list[dict[str, Term | None]]] = {}
    for start in range(0, len(queries), CHUNK):
        chunk = list(enumerate(queries[start : start + CHUNK], start))
        names = sorted({n for _, (_, cols) in chunk for n in cols})
        branches = " UNION ".join(
            f"{{ SELECT ({i} AS ?branch) {' '.join('?' + c for c in cols)} WHERE {{ {{ {q} }} }} }}"
            for i, (q, cols) in chunk
        )
        head = " ".join("?" + n for n in names)
        for row in source.select(f"SELECT ?branch {head} WHERE {{ {branches} }}"):
            i = int(row[0].value)  # type: ignore[union-attr]
            out.setdefault(i, []).append(dict(zip(names, row[1:], strict=True)))
    return out

"""Where the bundled files (ontology, shapes, named queries, seed data) live.

In a checkout or an editable install they sit at the repository root; a wheel carries them under
``graph/_bundled``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_ROOTS = (_PACKAGE / "_bundled", _PACKAGE.parent)


def bundled(relative: str) -> Path:
    for root in _ROOTS:
        candidate = root / relative
        if candidate.exists():
            return candidate
    return _ROOTS[-1] / relative

"""The Jinja2 environment of the HTML pages (graph/web/templates/), autoescaped."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2


@functools.cache
def templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )

"""What plugins give the core, found through entry points: the core never imports them.

- ``ressourcerie.seed``: the function that builds an instance's seed content, ``build(iris, seed_dir) -> SeedBuild``
  (the bundled one is ``loaders.seed:build``);
- ``ressourcerie.sources``: harvest sources, each a ``graph.harvest.sources.SourceKind`` (``dcat`` reads DCAT
  catalogues; the others are source adapters: ``datagouv``, ``apigouv``, ``codegouv``, ``sill``, ``publiccode``).

The entry points are declared in ``pyproject.toml``; another administration's package can declare its own.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import BadRequest, ConfigError

if TYPE_CHECKING:
    from graph.harvest.sources import SourceKind
    from graph.iris import Iris
    from graph.seed import SeedBuild

SEED_GROUP = "ressourcerie.seed"
SOURCES_GROUP = "ressourcerie.sources"


def seed_builder() -> Callable[[Iris, Path], SeedBuild]:
    """The seed loader: the one registered (an instance installs one)."""
    found = list(entry_points(group=SEED_GROUP))
    if not found:
        raise ConfigError(f"no seed loader is installed (entry point group {SEED_GROUP!r}): reinstall the package")
    return found[0].load()  # type: ignore[no-any-return]


def source_names() -> list[str]:
    """The names of the installed harvest sources, without importing them."""
    return sorted(ep.name for ep in entry_points(group=SOURCES_GROUP))


def source_kind(name: str) -> SourceKind:
    """The harvest source registered under ``name``."""
    for ep in entry_points(group=SOURCES_GROUP):
        if ep.name == name:
            return ep.load()  # type: ignore[no-any-return]
    known = ", ".join(n for n in source_names() if n != "dcat") or "none installed"
    raise BadRequest(f"unknown adapter {name!r}; the adapters are: {known}")

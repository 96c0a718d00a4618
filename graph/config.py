"""Settings: each declared once with its name, default and help, read once at start-up.

Precedence, lowest first: defaults, the TOML file (``--config`` or ``RESSOURCERIE_CONFIG``; keys under
``[ressourcerie]`` or at top level), environment variables ``RESSOURCERIE_<NAME>``, command-line options.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode

from graph.errors import ConfigError
from graph.paths import bundled


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    base_iri: str = _setting(
        "https://ressourcerie.fabrique.social.gouv.fr/",
        "Base IRI under which the instance mints the IRIs of its records and named graphs; ends with '/'.",
    )
    store_path: str = _setting(
        "var/store",
        "Directory of the embedded on-disk store; ':memory:' for a temporary in-memory store.",
    )
    seed_dir: str = _setting(
        str(bundled("data/seed")),
        "Directory holding the seed content (ressourcerie/ and apigouv/ folders).",
    )
    progress: str = _setting(
        "auto",
        "Progress bars on long loads: 'auto' (when stderr is a terminal), 'always' or 'never'.",
    )

    def __post_init__(self) -> None:
        if not self.base_iri.endswith(("/", "#")):
            raise ConfigError(f"base_iri must end with '/' or '#': {self.base_iri!r}")
        try:
            NamedNode(self.base_iri)
        except ValueError as e:
            raise ConfigError(f"base_iri is not a valid IRI: {self.base_iri!r} ({e})") from None
        if self.progress not in {"auto", "always", "never"}:
            raise ConfigError(f"progress must be 'auto', 'always' or 'never', not {self.progress!r}")

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, help) of every setting."""
        return [(f.name, f.default, f.metadata["help"]) for f in dataclasses.fields(cls)]

    @classmethod
    def load(
        cls,
        config_file: str | Path | None = None,
        environ: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> Settings:
        environ = os.environ if environ is None else environ
        names = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        config_file = config_file or environ.get("RESSOURCERIE_CONFIG")
        if config_file:
            values.update(_read_toml(Path(config_file), names))
        for name in names:
            env = environ.get(f"RESSOURCERIE_{name.upper()}")
            if env is not None:
                values[name] = env
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - names
        if unknown:
            raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}; known: {', '.join(sorted(names))}")
        return cls(**values)


def _read_toml(path: Path, names: set[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"configuration file not found: {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    section = data.get("ressourcerie", data)
    unknown = {k for k, v in section.items() if not isinstance(v, dict)} - names
    if unknown:
        raise ConfigError(f"{path}: unknown settings: {', '.join(sorted(unknown))}; known: {', '.join(sorted(names))}")
    return {k: v for k, v in section.items() if k in names}

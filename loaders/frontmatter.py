"""Markdown files with a YAML front matter (the format of api.gouv.fr and the Ressourcerie)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from loaders._mapping import yaml_position


@dataclass
class Page:
    path: Path
    meta: dict[str, Any]
    body: str

    @property
    def stem(self) -> str:
        return self.path.stem


class FrontMatterError(ValueError):
    pass


def read_page(path: Path) -> Page:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---"):
        raise FrontMatterError(f"{path}: no YAML front matter (the file must start with '---')")
    try:
        _, head, body = text.split("---", 2)
    except ValueError:
        raise FrontMatterError(f"{path}: the front matter is not closed by '---'") from None
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as e:
        # the front matter starts on the file's second line, after '---'
        raise FrontMatterError(f"{path}{yaml_position(e, 2)}: invalid YAML front matter: {e}") from None
    if not isinstance(meta, dict):
        raise FrontMatterError(f"{path}: the front matter is not a mapping")
    return Page(path, meta, body.strip())


def read_pages(folder: Path) -> list[Page]:
    return [read_page(p) for p in sorted(folder.glob("*.md"))]

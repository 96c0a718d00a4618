"""Static files of the pages: our own (graph/web/static/), the images of the seed's texts (data/images/, under
/media/) and the front-end packages installed from npm (package.json, by `make setup`) under /assets/<name>/,
each limited to the folder it ships for browsers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from graph.paths import bundled

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"

# (URL prefix, folder); a package that is not installed is left out and its pages fall back to no script
ASSETS = [
    ("/static", Path(__file__).parent / "static"),
    ("/media", bundled("data/images")),
    ("/assets/dsfr", NODE_MODULES / "@gouvfr/dsfr/dist"),
    ("/assets/cytoscape", NODE_MODULES / "cytoscape/dist"),
    ("/assets/yasgui", NODE_MODULES / "@zazuko/yasgui/build"),
    ("/assets/axe", NODE_MODULES / "axe-core"),
    ("/assets/swagger-ui", NODE_MODULES / "swagger-ui-dist"),
]


def installed(prefix: str) -> bool:
    return any(p == prefix and folder.is_dir() for p, folder in ASSETS)


def mount(app: FastAPI) -> None:
    for prefix, folder in ASSETS:
        if folder.is_dir():
            app.mount(prefix, StaticFiles(directory=folder), name=prefix.strip("/").replace("/", "-"))

"""The governance page (/governance), generated from the configuration: what the instance covers, who may
propose, how moderation works, the reuse licence, who runs it, where the data comes from and under which
licences, and the feature switches in effect (HTML for people, JSON for machines)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pyoxigraph import Literal, NamedNode

from graph.config import Settings
from graph.model.licences import licence_name
from graph.namespaces import DCT, RSR, XSD
from graph.paths import bundled
from graph.web.conneg import HTML_OR_JSON, HTML_OR_JSON_NAMES, choose
from graph.web.context import Context, context
from graph.web.pages._view import date_fr
from graph.web.render import Alternate, render
from graph.web.urls import Urls

FEATURES = [
    ("feature_contributions", "Propositions de ressources et d'usages, et leur modération"),
    ("feature_map", "Carte du réseau des usages (/network)"),
    ("feature_workbench", "Atelier SPARQL et requêtes nommées (/sparql, /queries)"),
    ("feature_harvest", "Moissonnage de catalogues DCAT et d'autres sources"),
    ("feature_datagouv_search", "Résultats de data.gouv.fr à côté de la recherche"),
    ("updates", "Écritures SPARQL Update et Graph Store (avec jeton)"),
]
# the licence of the software itself (pyproject.toml)
CODE_LICENCE = (
    "GNU Affero General Public License v3 ou ultérieure (AGPL-3.0-or-later)",
    "https://www.gnu.org/licenses/agpl-3.0.html",
)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@dataclass
class Source:
    folder: str
    what: str
    origin: str
    licence: str


def seed_sources(readme: Path | None = None) -> list[Source]:
    """The seed sources and their licences, in French: the table of data/README.md headed ``| dossier |``."""
    path = readme or bundled("data/README.md")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    out, header = [], None
    for line in lines:
        if not line.strip().startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells[0]
            continue
        if header != "dossier" or len(cells) != 4 or set(cells[0]) <= {"-", ":"}:
            continue
        clean = [_LINK.sub(r"\1", c).replace("`", "") for c in cells]
        out.append(Source(*clean))
    return out


@dataclass(frozen=True)
class Licences:
    """One statement of what may be reused under which licence: the instance's content, the content taken from
    other sources, the code."""

    content_iri: str
    content_name: str
    sources: list[tuple[str, str]]  # (what, licence) of the content taken from elsewhere
    code_name: str = CODE_LICENCE[0]
    code_iri: str = CODE_LICENCE[1]


def licences(settings: Settings) -> Licences:
    sources = [(s.folder, s.licence) for s in seed_sources()]
    return Licences(settings.content_licence, licence_name(settings.content_licence), sources)


def when_fr(stamp: str) -> str:
    """'2026-12-04T08:12:29Z' -> '4 décembre 2026 à 08:12 (UTC)'; a date alone -> '4 décembre 2026'."""
    day = date_fr(Literal(stamp[:10], datatype=XSD.date)) or stamp
    if len(stamp) >= 16 and stamp[10] == "T":
        return f"{day} à {stamp[11:16]}" + (" (UTC)" if stamp.endswith("Z") else "")
    return day


def graphs(ctx: Context) -> list[dict[str, object]]:
    """The named graphs as the store records them (graph/meta): source, load time, size."""
    meta = ctx.iris.meta_graph
    found: dict[str, dict[str, object]] = {}
    for q in ctx.store.quads(None, None, None, meta):
        if not isinstance(q.subject, NamedNode) or not isinstance(q.object, Literal):
            continue
        name = q.subject.value.removeprefix(ctx.iris.base)
        row = found.setdefault(q.subject.value, {"graph": q.subject.value, "name": name})
        if q.predicate == DCT.source:
            source = q.object.value  # a local file's folder says nothing to a reader (and names the server's paths)
            row["source"] = source.rsplit("/", 1)[-1] if source.startswith("/") else source
        elif q.predicate == DCT.modified:
            row["modified"] = q.object.value
        elif q.predicate == RSR.tripleCount:
            row["triples"] = int(q.object.value)
    return sorted(found.values(), key=lambda r: str(r["graph"]))


def summary(settings: Settings, ctx: Context) -> dict[str, object]:
    return {
        "site": settings.site_name,
        "operator": settings.site_operator,
        "scope": settings.scope,
        "licence": {"iri": settings.content_licence, "name": licence_name(settings.content_licence)},
        "contributions": settings.feature_contributions,
        "moderation_open": bool(settings.moderation_token_sha256.strip()),
        "features": {name: bool(getattr(settings, name)) for name, _label in FEATURES},
        "sources": [asdict(s) for s in seed_sources()],
        "graphs": ctx.cached("governance-graphs", lambda: graphs(ctx)),
    }


async def governance(request: Request) -> Response:
    ctx = context(request)
    data = summary(ctx.settings, ctx)
    if choose(request, HTML_OR_JSON, default="text/html", names=HTML_OR_JSON_NAMES) == "application/json":
        return JSONResponse(data, headers={"Vary": "Accept"})
    features = [(name, label, data["features"][name]) for name, label in FEATURES]  # type: ignore[index]
    loaded = [{**g, "loaded": when_fr(str(g["modified"])) if g.get("modified") else None} for g in data["graphs"]]  # type: ignore[attr-defined]
    alternates = [
        Alternate(Urls.of(request).path("/governance", format="json"), "application/json", "Gouvernance en JSON")
    ]
    page = {**data, "feature_list": features, "graphs": loaded, "licences": licences(ctx.settings)}
    return render(request, "governance.html", alternates=alternates, page=page)

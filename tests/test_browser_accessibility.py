"""Automated accessibility check (axe-core, WCAG 2.x A and AA rules) of the main pages in Chromium, the articles,
the mandatory pages, an error page and /docs (with its Swagger UI) included.

Every finding is written to var/accessibility.json (rule, impact, page, how many nodes, an example), and the
test fails on any critical or serious finding; moderate and minor ones are reported, not failed. The workbench
embeds YASGUI (a third-party editor, #atelier): its own markup is checked and reported apart
("workbench-yasgui"), not gated; the rest of that page, and its no-JavaScript form, are gated like any page."""

from __future__ import annotations

import json

import pytest

from tests.browser import ROOT, inject_axe, open_settled

PAGES = [
    ("home", "/"),
    ("search", "/search?q=emploi"),
    ("resource", "/resource/api-adresse-base-adresse-nationale-ban"),
    ("organisation", "/organisation/dinum"),
    ("theme", "/def/theme/emploi"),
    ("usage", None),  # the first usage of the seed, found through SPARQL
    ("network", "/network"),
    ("network-table", "/network?view=table&theme=theme:geographie"),
    ("queries", "/queries"),
    ("query-results", "/queries/text-search?q=emploi"),
    ("query-error", "/queries/recently-modified?since=hier"),
    ("workbench", "/sparql"),
    ("contribute-usage", "/contribute/usage"),
    ("contribute-resource", "/contribute/resource"),
    ("governance", "/governance"),
    ("guide", "/document/recherche-entreprise"),
    ("story", "/document/retour-recherche-entreprise"),
    ("service", "/service/la-bonne-boite"),
    ("legal-notice", "/mentions-legales"),
    ("accessibility-statement", "/accessibilite"),
    ("personal-data", "/donnees-personnelles"),
    ("not-found", "/resource/no-such-thing"),
    ("docs", "/docs"),
    ("questions", "/questions"),
    ("contribute-uses", "/contribute/uses?resource=https://ressourcerie.fabrique.social.gouv.fr/resource/api-sirene"),
    (
        "contribute-correction",
        "/contribute/correction?record=https://ressourcerie.fabrique.social.gouv.fr/resource/api-sirene",
    ),
    ("follow", "/follow?about=https://ressourcerie.fabrique.social.gouv.fr/resource/api-sirene"),
]
# a form shown again with its errors is a 400; a record that does not exist, a 404
STATUS = {"query-error": 400, "not-found": 404}
# third-party viewers checked and reported apart (not gated): YASGUI on the workbench (Swagger UI on /docs is
# gated with its page: graph/web/static/apidocs.css gives its labels enough contrast)
THIRD_PARTY = {"workbench": ("#atelier", "workbench-yasgui")}
REPORT = ROOT / "var" / "accessibility.json"
FINDINGS: dict[str, list[dict]] = {}


def first_usage(url: str) -> str:
    import httpx

    query = "SELECT ?u WHERE { ?u a <http://www.w3.org/ns/duv#Usage> } ORDER BY ?u LIMIT 1"
    r = httpx.get(url + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    iri = r.json()["results"]["bindings"][0]["u"]["value"]
    return "/" + iri.split("/", 3)[3]


RULES = "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}"


def audit(page, context: dict | None) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe-core's WCAG 2.x A/AA violations on the page (or the part ``context`` names), summarised."""
    result = page.evaluate(f"async (ctx) => await axe.run(ctx || document, {RULES})", context)
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": len(v["nodes"]),
            "example": v["nodes"][0]["html"][:200] if v["nodes"] else "",
        }
        for v in result["violations"]
    ]


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_accessibility_finding(live_server, page, name: str, path: str | None) -> None:  # type: ignore[no-untyped-def]
    response = open_settled(page, live_server.url + (path or first_usage(live_server.url)))
    expected = STATUS.get(name, 200)
    assert response is not None and response.status == expected, f"{name}: HTTP {response and response.status}"
    inject_axe(page)
    viewer = THIRD_PARTY.get(name)
    findings = audit(page, {"exclude": [[viewer[0]]]} if viewer else None)
    if viewer:
        FINDINGS[viewer[1]] = audit(page, {"include": [[viewer[0]]]})
    FINDINGS[name] = findings
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(FINDINGS, indent=2, ensure_ascii=False))
    serious = [f for f in findings if f["impact"] in ("critical", "serious")]
    assert not serious, f"{name}: {json.dumps(serious, indent=1, ensure_ascii=False)}"

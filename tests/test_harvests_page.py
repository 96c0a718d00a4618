"""The /harvests page and its JSON twin, from the runs the meta graph records."""

from __future__ import annotations

from graph.config import Settings
from graph.harvest import runner
from graph.harvest.runner import SourceEntry


def test_without_a_schedule_the_page_says_so_and_lists_nothing(make_client) -> None:
    client = make_client()
    page = client.get("/harvests", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Aucun moissonnage n'est programmé" in page.text
    assert 'rel="alternate"' in page.headers["link"] and "/harvests.json" in page.headers["link"]
    assert client.get("/harvests", headers={"Accept": "application/json"}).json() == {"scheduler": False, "sources": []}
    assert client.get("/harvests?format=json").json() == client.get("/harvests.json").json()


def test_a_run_of_the_command_line_shows_with_its_counts_and_gone_records(make_client, feeds) -> None:
    client = make_client(harvest_sources="paged=placeholder")
    url = feeds.add_file("/catalog-p1.ttl", "paged/catalog-p1.ttl")
    feeds.add_file("/catalog-p2.ttl", "paged/catalog-p2.ttl")
    writer = client.app.state.context.writer  # type: ignore[attr-defined]
    settings = Settings(harvest_retries=0)
    report = runner.run_entry(writer, settings, SourceEntry("paged", "dcat", url))
    assert report.succeeded, report.summary()
    twin = client.get("/harvests.json").json()
    [paged] = twin["sources"]
    assert paged["name"] == "paged" and paged["interval_seconds"] is None
    last = paged["last_run"]
    assert last["status"] == "succeeded" and last["written"] == report.written and last["pages"] == 2
    page = client.get("/harvests", headers={"Accept": "text/html"}).text
    assert "réussie" in page and "paged" in page
    # the source drops a record: the next run lists it as gone
    feeds.add("/catalog-p2.ttl", "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n")
    again = runner.run_entry(writer, settings, SourceEntry("paged", "dcat", url))
    assert again.succeeded and again.gone, again.summary()
    gone = client.get("/harvests.json").json()["sources"][0]["last_run"]["gone"]
    assert sorted(gone) == sorted(g["iri"] for g in again.gone)
    assert "Fiches que la source ne donne plus" in client.get("/harvests", headers={"Accept": "text/html"}).text


def test_the_page_is_off_with_harvesting(make_client) -> None:
    assert make_client(feature_harvest=False).get("/harvests").status_code == 404


def test_of_runs_started_in_the_same_second_the_latest_is_the_last(make_client) -> None:
    from datetime import UTC, datetime

    from graph.harvest.report import HarvestReport

    client = make_client(harvest_sources="twice=placeholder")
    ctx = client.app.state.context  # type: ignore[attr-defined]
    second = datetime(2026, 1, 5, 9, 30, 12, tzinfo=UTC)
    graph = f"{ctx.iris.base}graph/harvest/twice"
    reports = [
        HarvestReport("twice", "placeholder", graph, second.replace(microsecond=us), status=f"run {n}")
        for n, us in enumerate([1000, 1001, 250000, 250001, 999998, 999999])
    ]
    # written last first, so that neither the order of writing nor that of storage decides
    for report in reversed(reports):
        ctx.writer.add({ctx.iris.meta_graph: report.provenance()}, operation="harvest twice")
    [twice] = client.get("/harvests.json").json()["sources"]
    assert [r["status"] for r in twice["runs"]] == ["run 5", "run 4", "run 3", "run 2", "run 1"]
    assert twice["last_run"]["run"] == reports[-1].run_iri.value

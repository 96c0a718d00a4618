"""Scheduled harvests: the schedule setting, the scheduler's steps, and the service harvesting a local fake of
data.gouv.fr's dataservices API in the background: a new API shows within one interval, with no restart, on
/harvests, in search and in the feed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.config import Settings
from graph.errors import BadRequest
from graph.harvest.runner import SourceEntry, entries, entry
from graph.harvest.schedule import Scheduler, describe, interval, last_run, parse_schedule, scheduled
from graph.store import EmbeddedStore
from graph.writer import Writer
from tests.datagouv_fake import fixture_objects, serve
from tests.test_datagouv_api import INSEE, new_api

# --- the settings -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "seconds"), [("daily", 86400), ("hourly", 3600), ("6h", 21600), ("15m", 900),
                                               ("30s", 30), ("2d", 172800), ("45", 45), (" weekly ", 604800)])  # fmt: skip
def test_intervals_are_words_or_numbers_with_a_unit(text: str, seconds: float) -> None:
    assert interval(text) == seconds


@pytest.mark.parametrize("text", ["sometimes", "0s", "-1h", "6 hours", ""])
def test_a_bad_interval_is_refused_with_what_is_accepted(text: str) -> None:
    with pytest.raises(BadRequest, match="hourly, daily, weekly"):
        interval(text)


def test_the_schedule_names_sources_of_harvest_sources() -> None:
    assert parse_schedule("a=daily, b = 6h") == {"a": 86400.0, "b": 21600.0}
    settings = Settings(
        harvest_sources="apis=datagouv-api:https://x.example/api/1/dataservices/,https://y.example/catalog.ttl",
        harvest_schedule={"apis": "daily"},  # type: ignore[arg-type]  # as a TOML table arrives
    )
    assert settings.harvest_schedule == "apis=daily"
    [(source, every)] = scheduled(settings)
    assert source == SourceEntry("apis", "datagouv-api", "https://x.example/api/1/dataservices/") and every == 86400
    with pytest.raises(BadRequest, match="names typo, not in harvest_sources"):
        scheduled(Settings(harvest_sources=settings.harvest_sources, harvest_schedule="typo=daily"))
    with pytest.raises(BadRequest, match="is not NAME=INTERVAL"):
        parse_schedule("daily")


def test_harvest_sources_entries_name_their_source_kind() -> None:
    kinds = ["dcat", "datagouv-api"]
    assert entry("https://data.example/catalog.ttl", kinds) == SourceEntry(
        "data-example-catalog", "dcat", "https://data.example/catalog.ttl"
    )
    assert entry("v=https://data.example/c.rdf", kinds) == SourceEntry("v", "dcat", "https://data.example/c.rdf")
    assert entry("d=datagouv-api:https://x/api/1/dataservices/", kinds).kind == "datagouv-api"
    assert entry("u=unknown:https://x/", kinds) == SourceEntry("u", "dcat", "unknown:https://x/")
    with pytest.raises(BadRequest, match="names a twice"):
        entries(Settings(harvest_sources="a=https://x/1.ttl,a=https://x/2.ttl"))


def test_intervals_read_in_french() -> None:
    assert describe(86400) == "tous les jours" and describe(6 * 3600) == "toutes les 6 heures"
    assert describe(60) == "toutes les minutes" and describe(2.5) == "toutes les 2.5 secondes"


# --- the scheduler, step by step ------------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        # the runs record the real time, to the second: the clock starts just before it
        self.moment = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def fake() -> Iterator[tuple[str, dict[str, list[dict[str, Any]]]]]:
    objects = fixture_objects()
    with serve(objects) as base:
        yield base, objects


def test_a_source_runs_when_due_then_after_its_interval(fake, seeded_copy: Writer) -> None:
    base, _ = fake
    location = f"{base}/api/1/dataservices/?organization={INSEE}"
    settings = Settings(harvest_sources=f"dg=datagouv-api:{location}", harvest_schedule="dg=1h", harvest_retries=0)
    clock = Clock()
    scheduler = Scheduler(seeded_copy, settings, scheduled(settings), now=clock)
    [state] = scheduler.states()
    assert state.next_run == clock.moment  # never run: due at once
    report = scheduler.tick()
    assert report is not None and report.succeeded, report and report.summary()
    assert state.runs == 1 and state.next_run == clock.moment + timedelta(hours=1)
    assert scheduler.tick() is None  # not due yet
    clock.moment += timedelta(hours=1)
    assert scheduler.tick() is not None and state.runs == 2
    # a scheduler started later takes the last run the meta graph records: not due again at once
    assert last_run(seeded_copy.store, "dg") is not None
    again = Scheduler(seeded_copy, settings, scheduled(settings), now=clock)
    assert again.states()[0].next_run > clock.moment


def test_a_failed_run_keeps_the_previous_graph_and_is_counted(fake, seeded_copy: Writer) -> None:
    base, _ = fake
    good = f"{base}/api/1/dataservices/?organization={INSEE}"
    settings = Settings(harvest_sources=f"dg=datagouv-api:{good}", harvest_schedule="dg=1h", harvest_retries=0)
    clock = Clock()
    scheduler = Scheduler(seeded_copy, settings, scheduled(settings), now=clock)
    assert scheduler.tick().succeeded  # type: ignore[union-attr]
    graph = seeded_copy.iris.graph("harvest/dg")
    before = sorted(str(q) for q in seeded_copy.store.quads(graph=graph))
    broken = f"{base}/broken/api/1/dataservices/"
    failing = Settings(harvest_sources=f"dg=datagouv-api:{broken}", harvest_schedule="dg=1h", harvest_retries=0)
    scheduler = Scheduler(seeded_copy, failing, scheduled(failing), now=clock)
    clock.moment += timedelta(hours=2)
    report = scheduler.tick()
    assert report is not None and report.status == "failed" and "HTTP 500" in report.errors[0]
    assert scheduler.states()[0].failures == 1
    assert sorted(str(q) for q in seeded_copy.store.quads(graph=graph)) == before


# --- the service, for real ------------------------------------------------------------------------------------------


def test_the_service_harvests_data_gouv_fr_on_schedule_and_a_new_api_shows_everywhere(
    fake, tmp_path: Path, seeded_dir: Path
) -> None:
    from graph.web.app import create_app

    base, objects = fake
    every = 3.0
    copy = tmp_path / "store"
    source = EmbeddedStore(seeded_dir)
    source.backup(copy)
    source.close()
    settings = Settings(
        store_path=str(copy),
        query_workers=1,
        feature_datagouv_search=False,
        harvest_sources=f"datagouv-dataservices=datagouv-api:{base}/api/1/dataservices/?organization={INSEE}",
        harvest_schedule=f"datagouv-dataservices={every:g}s",
        harvest_retries=0,
    )
    with TestClient(create_app(settings, schedule=True), raise_server_exceptions=False) as client:
        scheduler = client.app.state.scheduler  # type: ignore[attr-defined]
        [state] = scheduler.states()
        first = wait_for(lambda: state.runs >= 1 and not state.running, 120)
        assert first and state.last is not None and state.last.succeeded, state.last and state.last.summary()
        assert "API nouvelle" not in client.get("/search.json", params={"q": "nouvelle"}).text

        objects["dataservice"].append(new_api(base, "nouvelle", None, "https://api.nouvelle.gouv.fr/v1"))
        added, runs = datetime.now(UTC), state.runs
        assert wait_for(lambda: state.runs > runs and not state.running, every + 120)
        run = state.last
        assert run is not None and run.succeeded and run.started - added <= timedelta(seconds=every + 1)

        iri = settings.base_iri + "resource/datagouv-nouvelle"
        hits = client.get("/search.json", params={"q": "nouvelle"}).json()["results"]
        assert iri in [h["iri"] for h in hits]
        feed = client.get("/catalog.ttl", params={"page_size": 1000}).text
        assert f"<{iri}>" in feed and "https://api.nouvelle.gouv.fr/v1" in feed

        page = client.get("/harvests", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "datagouv-dataservices" in page.text and "réussie" in page.text
        twin = client.get("/harvests.json").json()
        [source_json] = [s for s in twin["sources"] if s["name"] == "datagouv-dataservices"]
        assert twin["scheduler"] and source_json["interval_seconds"] == every and source_json["next_run"]
        assert source_json["last_run"]["status"] == "succeeded" and source_json["last_run"]["written"] >= 2


def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False

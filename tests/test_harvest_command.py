from __future__ import annotations

import json
from pathlib import Path

import pytest
from feeds import FeedServer

from graph.cli import main
from graph.cli.harvest import source_name
from graph.store import EmbeddedStore


@pytest.fixture
def store(tmp_path: Path, seeded_dir: Path) -> str:
    copy = tmp_path / "store"
    source = EmbeddedStore(seeded_dir)
    source.backup(copy)
    source.close()
    return str(copy)


@pytest.fixture
def paged(feeds: FeedServer) -> str:
    feeds.add_file("/catalog-p2.ttl", "paged/catalog-p2.ttl")
    return feeds.add_file("/catalog-p1.ttl", "paged/catalog-p1.ttl")


def test_harvest_prints_a_summary_and_writes_the_report(
    store: str, paged: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "paged.json"
    assert main(["--store", store, "harvest", paged, "--name", "paged", "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "harvest paged (" in out and ": succeeded in" in out
    assert "pages 2, records seen 3, written 3, skipped 0, matched 1, gone 0, errors 0" in out
    data = json.loads(report.read_text())
    assert data["counts"] == {
        "pages": 2,
        "seen": 3,
        "written": 3,
        "skipped": 0,
        "matched": 1,
        "gone": 0,
        "errors": 0,
        "warnings": 0,
    }
    assert data["graph"] == "https://ressourcerie.fabrique.social.gouv.fr/graph/harvest/paged"
    assert data["page_urls"] == [paged, paged.replace("p1", "p2")]
    capsys.readouterr()
    assert main(["--store", store, "stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["graphs"][data["graph"]] == data["triples"]


def test_harvest_all_reads_the_sources_setting(
    store: str,
    paged: str,
    feeds: FeedServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    flat = feeds.add_file("/flat.jsonld", "udata/flat.jsonld")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RESSOURCERIE_HARVEST_SOURCES", f"paged={paged}, {flat}")
    assert main(["--store", store, "harvest", "--all"]) == 0
    out = capsys.readouterr().out
    assert "harvest paged (" in out and "harvest 127-0-0-1-" in out
    reports = sorted(p.name for p in (tmp_path / "var" / "harvest").iterdir())
    assert len(reports) == 2 and reports[1].startswith("paged-") and reports[1].endswith(".json")


def test_a_failed_source_exits_4_and_says_why(
    store: str, feeds: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RESSOURCERIE_HARVEST_RETRIES", "0")
    monkeypatch.setenv("RESSOURCERIE_HARVEST_MAX_BYTES", "100")
    url = feeds.add_file("/catalog.xml", "udata/catalog.xml")
    report = tmp_path / "r.json"
    assert main(["--store", store, "harvest", url, "--report", str(report)]) == 4
    out = capsys.readouterr().out
    assert "failed in" in out and "larger than harvest_max_bytes (100 bytes)" in out
    assert json.loads(report.read_text())["status"] == "failed"


def test_harvest_refused_when_the_feature_is_off(
    store: str, paged: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RESSOURCERIE_FEATURE_HARVEST", "false")
    assert main(["--store", store, "harvest", paged]) == 2
    assert "harvesting is switched off on this instance (feature_harvest = false)" in capsys.readouterr().err


def test_bad_invocations_say_what_to_give(
    store: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--store", store, "harvest"]) == 2
    assert "give a SOURCE" in capsys.readouterr().err
    monkeypatch.setenv("RESSOURCERIE_HARVEST_SOURCES", "")
    assert main(["--store", store, "harvest", "--all"]) == 2
    assert "harvest_sources lists no source" in capsys.readouterr().err


def test_source_names() -> None:
    assert source_name("https://www.data.gouv.fr/api/1/organizations/5488/catalog.rdf") == (
        "www-data-gouv-fr-api-1-organizations-5488-catalog"
    )
    assert source_name("/data/feeds/Vanves Catalogue.ttl") == "vanves-catalogue"
    assert source_name("https://example.org/") == "example-org"


def test_progress_bar_when_asked(
    store: str, paged: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RESSOURCERIE_PROGRESS", "always")
    assert main(["--store", store, "harvest", paged, "--name", "paged", "--report", str(tmp_path / "r.json")]) == 0
    err = capsys.readouterr().err
    assert "harvest paged: " in err and "2page" in err.replace(" ", "")
    monkeypatch.setenv("RESSOURCERIE_PROGRESS", "never")
    assert main(["--store", store, "harvest", paged, "--name", "paged", "--report", str(tmp_path / "r.json")]) == 0
    assert "harvest paged: " not in capsys.readouterr().err


SOURCES = Path(__file__).parent / "fixtures" / "sources"


def test_harvest_with_an_adapter_reads_its_files_and_urls(
    store: str, feeds: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = sorted((SOURCES / "publiccode").glob("*.yml"))
    report = tmp_path / "pc.json"
    args = ["--store", store, "harvest", "--adapter", "publiccode", *map(str, files), "--report", str(report)]
    assert main(args) == 0
    data = json.loads(report.read_text())
    assert data["graph"].endswith("/graph/harvest/publiccode")
    assert data["counts"]["seen"] >= len(files) and data["counts"]["written"] >= 1
    # the same payload served over HTTP: the adapter reads URLs with the harvest fetcher
    dataservices = SOURCES / "datagouv" / "udata_fixture_dataservices.json"
    url = feeds.add("/dataservices.json", dataservices.read_bytes(), content_type="application/json")
    report2 = tmp_path / "dg.json"
    assert main(["--store", store, "harvest", "--adapter", "datagouv", url, "--report", str(report2)]) == 0
    dg = json.loads(report2.read_text())
    assert dg["graph"].endswith("/graph/harvest/datagouv") and dg["counts"]["written"] >= 3
    capsys.readouterr()


def test_harvest_with_an_adapter_says_what_is_wrong(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--store", store, "harvest", "--adapter", "sill"]) == 2
    assert "--adapter sill needs at least one LOCATION" in capsys.readouterr().err
    assert main(["--store", store, "harvest", "--adapter", "apigouv", "/nonexistent"]) == 2
    assert "reads a folder" in capsys.readouterr().err
    bad = SOURCES / "SOURCES.md"
    assert main(["--store", store, "harvest", "--adapter", "datagouv", str(bad)]) != 0
    assert "SOURCES.md: invalid JSON, line 1, column 1" in capsys.readouterr().err

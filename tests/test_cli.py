from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from graph.cli import main

VALID = """@prefix dct: <http://purl.org/dc/terms/> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix org: <http://www.w3.org/ns/org#> .
<https://ressourcerie.fabrique.social.gouv.fr/organisation/acme> a org:Organization, foaf:Organization, foaf:Agent ;
    foaf:name "Agence Acme"@fr ."""
BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
INVALID = """@prefix dct: <http://purl.org/dc/terms/> . @prefix dcat: <http://www.w3.org/ns/dcat#> .
<https://ressourcerie.fabrique.social.gouv.fr/resource/broken> a dcat:Resource ; dct:title "Sans producteur"@fr ."""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "store"
    assert main(["--store", str(path), "seed"]) == 0
    return str(path)


def run(store: str, *args: str) -> int:
    return main(["--store", store, *args])


def quads(store: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert run(store, "export", "--format", "nq") == 0
    return capsys.readouterr().out


def test_seed_prints_counts_and_is_idempotent(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(store, "seed", "--if-missing") == 0
    assert "already holds the seed" in capsys.readouterr().out


def test_stats(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(store, "stats", "--json") == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["resources"] == 261 and stats["usages"] == 42
    assert stats["graphs"]["https://ressourcerie.fabrique.social.gouv.fr/graph/seed/apigouv"] > 0


def test_load_valid_file(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "acme.ttl"
    f.write_text(VALID)
    assert run(store, "load", str(f), "--graph", "cli-test") == 0
    assert "loaded 4 triples" in capsys.readouterr().out


def test_load_violating_file_changes_nothing(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = quads(store, capsys)
    f = tmp_path / "broken.ttl"
    f.write_text(INVALID)
    assert run(store, "load", str(f)) == 1
    err = capsys.readouterr().err
    assert "Violation: <https://ressourcerie.fabrique.social.gouv.fr/resource/broken> dct:publisher" in err
    assert quads(store, capsys) == before


@pytest.mark.parametrize("name", ["bad.ttl", "bad.jsonld", "bad.rdf", "bad.nt"])
def test_load_malformed_file_names_the_place(
    store: str, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = quads(store, capsys)
    f = tmp_path / name
    f.write_text(
        {"bad.ttl": "<a> <b> .", "bad.jsonld": "{\n", "bad.rdf": "<x>\n<y>", "bad.nt": "<http://a> <http://b> ."}[name]
    )
    assert run(store, "load", str(f)) == 2
    assert f"error: {f}, line " in capsys.readouterr().err
    assert quads(store, capsys) == before


def test_validate_files_and_all(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "broken.ttl"
    f.write_text(INVALID)
    assert run(store, "validate", str(f), "--lang", "fr") == 1
    assert "Une ressource a un et un seul producteur" in capsys.readouterr().out
    assert run(store, "validate", "--all") == 0
    assert "0 violations" in capsys.readouterr().out


def test_query_formats(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(store, "query", "text-search", "-p", "q=inclusion", "-f", "json") == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert any(r["title"] == "API Les emplois de l'inclusion" for r in rows)
    assert run(store, "query", "theme-counts", "-f", "csv") == 0
    assert capsys.readouterr().out.startswith("Thème,Libellé,Ressources,Usages,Thèmes européens")
    assert run(store, "query", "usage-network") == 0
    assert "(42 rows)" in capsys.readouterr().out


def test_query_errors(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(store, "query", "nope") == 2
    assert "the named queries are: organisation-profile" in capsys.readouterr().err
    assert run(store, "query", "text-search") == 2
    assert "needs q" in capsys.readouterr().err
    assert run(store, "query", "text-search", "-p", "q") == 2
    assert "NAME=VALUE" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["nq", "trig", "ttl", "nt"])
def test_export(store: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"dump.{fmt}"
    assert run(store, "export", "--format", fmt, "-o", str(out)) == 0
    assert len(list(parse(path=str(out)))) > 10_000


def test_export_one_graph(store: str, tmp_path: Path) -> None:
    out = tmp_path / "onto.ttl"
    assert run(store, "export", "--format", "ttl", "--graph", "ontology", "-o", str(out)) == 0
    from graph.seed import ontology_triples

    assert len(list(parse(path=str(out), format=RdfFormat.TURTLE))) == len(set(ontology_triples()))


def test_help_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ["serve", "seed", "curate", "load", "validate", "query", "export", "stats", "backup", "remove"]:
        with pytest.raises(SystemExit) as e:
            main([command, "--help"])
        assert e.value.code == 0
        assert "usage: ressourcerie" in capsys.readouterr().out


def test_bad_configuration_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--base-iri", "not an iri/", "stats"]) == 2
    assert "base_iri" in capsys.readouterr().err


def resource_count(store: str, capsys: pytest.CaptureFixture[str]) -> int:
    """The records /catalog lists: the APIs, data sets and catalogues, but for those the curation table merges
    into another or hides (``seed`` loads it)."""
    from graph.store import EmbeddedStore

    s = EmbeddedStore(store)
    try:
        rows = s.select(
            "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a dcat:Resource ; dct:type ?k . "
            "FILTER(?k IN (kind:api, kind:dataset, kind:catalogue)) "
            "FILTER NOT EXISTS { GRAPH <https://ressourcerie.fabrique.social.gouv.fr/graph/curation> "
            "{ ?r owl:sameAs|rsr:hidden ?x } } }"
        ).rows
    finally:
        s.close()
    return int(rows[0][0].value)  # type: ignore[union-attr]


def test_catalog_writes_a_page_or_the_whole_feed(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    total = resource_count(store, capsys)
    out = tmp_path / "page.ttl"
    assert run(store, "catalog", "--page", "2", "--page-size", "10", "-o", str(out)) == 0
    page = {q.triple for q in parse(out.read_bytes(), format=RdfFormat.TURTLE)}
    assert sum(1 for t in page if t.predicate.value.endswith("/ns/dcat#service")) == 10
    assert run(store, "catalog", "--all", "-f", "nt", "-o", str(tmp_path / "all.nt")) == 0
    whole = {q.triple for q in parse((tmp_path / "all.nt").read_bytes(), format=RdfFormat.N_TRIPLES)}
    assert page - whole, "the page's own Hydra links differ"
    members = [t for t in whole if t.subject.value.endswith("/catalog") and "/ns/dcat#" in t.predicate.value]
    assert (
        len([t for t in members if t.predicate.value.rsplit("#")[1] in ("dataset", "service", "resource", "catalog")])
        == total
    )
    assert run(store, "catalog", "--page-size", "5000") == 2
    assert "page_size must be at most 1000" in capsys.readouterr().err


def test_validate_dcat_ap_prints_the_counts(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    total = resource_count(store, capsys)
    assert run(store, "validate", "--dcat-ap") == 0
    out = capsys.readouterr().out
    assert f"feed /catalog: 1 page(s), {total} records" in out
    assert "DCAT-AP 3.0.0 (shapes, range, recommended): 0 violations" in out
    assert "feed /catalog/software:" in out


def test_serve_seeds_only_an_empty_store(store: str) -> None:
    from graph.cli import needs_seed
    from graph.store import EmbeddedStore

    assert needs_seed(EmbeddedStore())
    seeded = EmbeddedStore(store)
    try:
        assert not needs_seed(seeded)  # whatever base IRI the service is started with
    finally:
        seeded.close()


# --- careless operators: clear errors, documented exit codes, nothing created by mistake --------------------------


def test_search_rebuilds_a_stale_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A load killed just after its commit leaves the store ahead of the index: search used to build the index only
    when missing, and missed the new record."""
    from graph.iris import Iris
    from graph.store import EmbeddedStore
    from graph.validation import Validator
    from graph.writer import Writer

    path = tmp_path / "store"
    assert main(["--store", str(path), "seed"]) == 0
    assert main(["--store", str(path), "search", "acme"]) == 0
    assert "(0 results" in capsys.readouterr().out
    store = EmbeddedStore(path)  # a write the index does not follow, as a killed load leaves it
    f = tmp_path / "acme.ttl"
    f.write_text(VALID)
    Writer(store, Validator(), Iris(BASE)).add(
        {Iris(BASE).graph("contributions"): [q.triple for q in parse(path=str(f))]}
    )
    store.close()
    assert main(["--store", str(path), "search", "acme"]) == 0
    assert "Agence Acme" in capsys.readouterr().out


def test_a_damaged_store_is_exit_3_without_a_traceback(store: str, tmp_path: Path, capsys) -> None:
    """It printed a RuntimeError traceback and exited 1."""
    import shutil

    copy = tmp_path / "damaged"
    shutil.copytree(store, copy)
    for sst in copy.glob("*.sst"):
        data = bytearray(sst.read_bytes())
        for i in range(100, len(data), 997):
            data[i] ^= 0xFF
        sst.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["--store", str(copy), "stats"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_a_binary_configuration_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It printed a UnicodeDecodeError traceback."""
    f = tmp_path / "r.toml"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    assert main(["--config", str(f), "stats"]) == 2
    assert "not a TOML file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("toml", "environ", "words"),
    [
        ('[ressourcery]\nstore_path = "x"\n', {}, "unknown table(s) [ressourcery]"),
        ("", {"RESSOURCERIE_QUERY_TIMOUT": "5"}, "unknown environment variables: RESSOURCERIE_QUERY_TIMOUT"),
        ('update_token_sha256 = "s3cret"\n', {}, "64 hexadecimal digits"),
        ("query_timeout = 0\n", {}, "query_timeout must be a positive number"),
    ],
)
def test_configuration_typos_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, toml: str, environ: dict[str, str], words: str
) -> None:
    """They passed silently ([ressourcery] served an empty var/store, exit 0)."""
    f = tmp_path / "r.toml"
    f.write_text(toml)
    for k, v in environ.items():
        monkeypatch.setenv(k, v)
    assert main(["--config", str(f), "--store", str(tmp_path / "s"), "stats"]) == 2
    assert words in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_a_missing_store_is_not_created_by_a_reading_command(tmp_path: Path, capsys) -> None:
    """A missing --store path was created empty, and the command answered as if the store were empty."""
    missing = tmp_path / "typo"
    for command in (["stats"], ["query", "theme-counts"], ["export"], ["backup", str(tmp_path / "b")]):
        assert main(["--store", str(missing), *command]) == 3, command
        assert "no store at" in capsys.readouterr().err
    assert not missing.exists()

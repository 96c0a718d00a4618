"""The robustness scripts (bench/crash.py, soak.py, fairness.py): their arguments, the records they write, how a
write is seen in a store's files. Their runs are measurements, made by running them, not here."""

from __future__ import annotations

import pytest
import rdflib

from bench import _records, crash, fairness, soak


@pytest.mark.parametrize(
    ("main", "argv", "message"),
    [
        (crash.main, ["--trials", "0"], "--trials must be at least 1"),
        (crash.main, ["--kinds", "load,nope"], "unknown kinds: nope"),
        (soak.main, ["--seconds", "0"], "--seconds must be above 0"),
        (fairness.main, ["--flood", "0"], "--flood from 1 to 250"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(main, argv, message, capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_the_generated_records_have_the_triples_announced() -> None:
    for n in (1, 20):
        graph = rdflib.Graph().parse(data=_records.turtle("t", n), format="turtle")
        assert len(graph) == _records.triples(n)


def test_every_fifth_soak_write_lacks_a_title_and_the_others_do_not() -> None:
    title = rdflib.URIRef("http://purl.org/dc/terms/title")
    for n in (4, 5):
        write = soak.make_write(n)
        graph = rdflib.Graph().parse(data=write.body, format="turtle")
        first = rdflib.URIRef(f"{_records.BASE}resource/bench-soak-{n}-1")
        assert write.expect_refusal == (n == 5)
        assert (graph.value(first, title) is None) == (n == 5)


def test_a_write_is_a_grown_log_not_a_new_empty_one_nor_a_flushed_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "000010.log").write_bytes(b"x" * 10)
    before = crash._files(tmp_path)
    (tmp_path / "000012.log").write_bytes(b"")  # opening the store starts a new log
    (tmp_path / "000013.sst").write_bytes(b"t")  # and may flush the old one to a table
    (tmp_path / "LOG").write_bytes(b"info")  # RocksDB's own information log
    assert not crash._wrote(before, crash._files(tmp_path))
    (tmp_path / "000012.log").write_bytes(b"batch")
    assert crash._wrote(before, crash._files(tmp_path))

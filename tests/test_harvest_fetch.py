from __future__ import annotations

import time
from pathlib import Path

import pytest
from feeds import FEEDS, FeedServer
from pyoxigraph import RdfFormat

from graph.errors import HarvestError
from loaders.harvest.fetch import Fetcher, detect, sniff


def fetcher(**options: float) -> Fetcher:
    return Fetcher(**{"timeout": 2.0, "retries": 2, "backoff": 0.01, **options})  # type: ignore[arg-type]


def test_format_from_content_type_then_extension_then_first_bytes() -> None:
    assert detect("http://x/feed", "application/ld+json; charset=utf-8", b"") == RdfFormat.JSON_LD
    assert detect("http://x/feed", "application/xml", b"") == RdfFormat.RDF_XML
    assert detect("http://x/feed.nt", "", b"") == RdfFormat.N_TRIPLES
    assert detect("http://x/feed.rdf", "application/octet-stream", b"") == RdfFormat.RDF_XML
    assert sniff(b'\n  [{"@id": "x"}]') == RdfFormat.JSON_LD
    assert sniff(b"<?xml version='1.0'?><rdf:RDF/>") == RdfFormat.RDF_XML
    assert sniff(b"@prefix dct: <http://purl.org/dc/terms/> .") == RdfFormat.TURTLE
    assert sniff(b"<http://a> <http://b> <http://c> .\n") == RdfFormat.N_TRIPLES
    with pytest.raises(HarvestError, match="cannot tell the RDF format"):
        sniff(b"hello")


def test_html_is_refused_with_a_hint() -> None:
    with pytest.raises(HarvestError, match="answered text/html, not RDF"):
        detect("http://x/", "text/html; charset=utf-8", b"<html>")


def test_reads_a_page_over_http(feeds: FeedServer) -> None:
    url = feeds.add_file("/p1", "paged/catalog-p1.ttl", content_type=None)
    doc = fetcher().get(url)
    assert doc.format == RdfFormat.TURTLE  # sniffed: no Content-Type, no extension
    assert doc.url == url and b"dcat:Dataset" in doc.data


def test_a_5xx_is_retried_then_succeeds(feeds: FeedServer) -> None:
    url = feeds.add_file("/flaky.ttl", "paged/catalog-p1.ttl", status=[503, 502, 200])
    f = fetcher()
    assert f.get(url).format == RdfFormat.TURTLE
    assert feeds.hits["/flaky.ttl"] == 3 and f.attempts == 3


def test_a_persistent_5xx_fails_after_the_retries(feeds: FeedServer) -> None:
    url = feeds.add("/down.ttl", status=500)
    with pytest.raises(HarvestError, match=r"HTTP 500 Internal Server Error \(gave up after 3 attempts\)"):
        fetcher().get(url)
    assert feeds.hits["/down.ttl"] == 3


def test_a_4xx_is_not_retried(feeds: FeedServer) -> None:
    with pytest.raises(HarvestError, match="HTTP 404"):
        fetcher().get(feeds.url("/missing.ttl"))
    assert feeds.hits["/missing.ttl"] == 1


def test_a_slow_answer_times_out_and_is_retried(feeds: FeedServer) -> None:
    url = feeds.add_file("/slow.ttl", "paged/catalog-p1.ttl", delay=1.0)
    start = time.perf_counter()
    with pytest.raises(HarvestError, match=r"timed out \(gave up after 2 attempts\)"):
        fetcher(timeout=0.2, retries=1).get(url)
    assert feeds.hits["/slow.ttl"] == 2
    assert time.perf_counter() - start < 1.5


def test_connection_refused_is_a_clear_error() -> None:
    server = FeedServer()
    url = server.url("/gone.ttl")
    server.close()
    with pytest.raises(HarvestError, match="cannot connect"):
        fetcher(retries=0).get(url)


def test_an_oversize_page_is_refused(feeds: FeedServer, tmp_path: Path) -> None:
    url = feeds.add("/big.ttl", b"#" * 5000)
    with pytest.raises(HarvestError, match=r"larger than harvest_max_bytes \(1000 bytes\)"):
        fetcher(max_bytes=1000).get(url)
    big = tmp_path / "big.ttl"
    big.write_bytes(b"#" * 5000)
    with pytest.raises(HarvestError, match="larger than harvest_max_bytes"):
        fetcher(max_bytes=1000).get(str(big))


def test_reads_files_and_file_urls() -> None:
    path = FEEDS / "udata" / "catalog.xml"
    assert fetcher().get(str(path)).format == RdfFormat.RDF_XML
    assert fetcher().get(path.resolve().as_uri()).format == RdfFormat.RDF_XML
    with pytest.raises(HarvestError, match="cannot read the file"):
        fetcher().get(str(path.with_name("nope.ttl")))

from __future__ import annotations

import pytest
from feeds import FeedServer

from graph.errors import HarvestError
from loaders.harvest.fetch import Fetcher
from loaders.harvest.paging import PageWalk


def walk(url: str) -> tuple[PageWalk, list[int]]:
    w = PageWalk(Fetcher(timeout=2.0, retries=0), url)
    return w, [len(p.quads) for p in w]


def test_follows_partial_collection_view_next(feeds: FeedServer) -> None:
    feeds.add_file("/catalog-p2.ttl", "paged/catalog-p2.ttl")
    w, sizes = walk(feeds.add_file("/catalog-p1.ttl", "paged/catalog-p1.ttl"))
    assert w.urls == [feeds.url("/catalog-p1.ttl"), feeds.url("/catalog-p2.ttl")]
    assert len(sizes) == 2 and all(sizes) and w.warnings == []


@pytest.mark.parametrize("style", ["partial-collection", "paged-collection"])
def test_follows_both_hydra_styles_of_udata(feeds: FeedServer, style: str) -> None:
    for n in (1, 2):
        feeds.add_file(f"/u/catalog.jsonld?page={n}", f"udata/{style}-{n}.jsonld", mount="/u")
    w, _sizes = walk(feeds.url("/u/catalog.jsonld?page=1"))
    assert w.urls == [feeds.url("/u/catalog.jsonld?page=1"), feeds.url("/u/catalog.jsonld?page=2")]
    assert w.warnings == []


def test_a_loop_stops_and_is_reported(feeds: FeedServer) -> None:
    feeds.add_file("/made/loop-2.ttl", "made/loop-2.ttl")
    w, sizes = walk(feeds.add_file("/made/loop-1.ttl", "made/loop-1.ttl"))
    assert len(sizes) == 2
    assert w.warnings == [
        f"page 2 ({feeds.url('/made/loop-2.ttl')}) links to {feeds.url('/made/loop-1.ttl')}, "
        "already read as page 1 (a loop): stopped there"
    ]
    assert feeds.hits["/made/loop-1.ttl"] == 1


def test_a_page_repeating_another_stops_the_walk(feeds: FeedServer) -> None:
    # a server that ignores the page parameter: page 2 is page 1 again, under another address
    body = f"""@prefix hydra: <http://www.w3.org/ns/hydra/core#> .
    <{feeds.url("/same?page=1")}> hydra:next <same?page=2> .
    <x> a <http://www.w3.org/ns/dcat#Catalog> ."""
    feeds.add("/same?page=2", body)
    w, sizes = walk(feeds.add("/same?page=1", body))
    assert len(sizes) == 1
    assert "page 2" in w.warnings[0] and "repeats page 1 (same content)" in w.warnings[0]


def test_a_malformed_page_fails_with_line_and_column(feeds: FeedServer) -> None:
    feeds.add_file("/bad/catalog-p2.ttl", "made/malformed-2.ttl")
    w = PageWalk(Fetcher(retries=0), feeds.add_file("/bad/catalog-p1.ttl", "paged/catalog-p1.ttl", mount="/bad"))
    with pytest.raises(HarvestError, match=r"malformed page 2: http://.*/bad/catalog-p2.ttl, line 6, column \d+"):
        list(w)


def test_max_pages_stops_and_says_so(feeds: FeedServer) -> None:
    feeds.add_file("/catalog-p2.ttl", "paged/catalog-p2.ttl")
    w = PageWalk(Fetcher(retries=0), feeds.add_file("/catalog-p1.ttl", "paged/catalog-p1.ttl"), max_pages=1)
    assert len(list(w)) == 1
    assert w.warnings == ["stopped after 1 pages (harvest_max_pages); the rest was not read"]

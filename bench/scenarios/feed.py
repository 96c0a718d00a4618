"""The DCAT feed: the time to build a page of the catalogue (in process, at the run's size) against reading the
same records' quads from pyoxigraph (``describe``); and a full harvest of our own catalogue (about 10,000
resources) by our harvester over HTTP into a fresh store, against a raw walk of the same pages (GETs only)."""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph
from pyoxigraph import NamedNode, RdfFormat

from bench._common import Context, Row
from bench.generate import DEFAULT_BASE
from bench.scenarios.http import ours
from graph.config import Settings
from graph.dcat.formats import serialize
from graph.dcat.publish import Feed, Paging
from graph.harvest.pipeline import Harvester
from graph.iris import Iris
from graph.namespaces import KIND
from graph.seed import ontology_triples
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.writer import Writer
from loaders.harvest.dcat import Concepts, DcatSource
from loaders.harvest.fetch import ACCEPT, Fetcher

PAGE = 100
HARVEST_PAGE = 1000
HARVEST_TRIPLES = 275_000  # about 10,000 resources (the generator makes one resource per ~27.5 triples)
COUNT = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a <http://www.w3.org/ns/dcat#Resource> }"
# what /catalog publishes: APIs, data sets and catalogues (software is in /catalog/software, documents in neither)
CATALOGUED = (
    "SELECT (COUNT(?r) AS ?n) WHERE { ?r a <http://www.w3.org/ns/dcat#Resource> ; <http://purl.org/dc/terms/type> ?k "
    f"VALUES ?k {{ {' '.join(f'<{k.value}>' for k in (KIND.api, KIND.dataset, KIND.catalogue))} }} }}"
)


@dataclass
class PageTimes:
    records: int
    index_ms: float
    describe_ms: float
    page_ms: float
    turtle_ms: float


def _median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def page_times(store: EmbeddedStore, page_size: int, repeat: int, base: str = DEFAULT_BASE) -> PageTimes:
    """Medians over pages spread across the feed: records read (describe), page built, page built and in Turtle."""
    cache: dict[str, object] = {}

    def cached(key: str, compute: Callable[[], object]) -> object:
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    feed = Feed(store, Settings(base_iri=base), cached)
    start = time.perf_counter()
    entries = feed.index("catalog")
    index_ms = (time.perf_counter() - start) * 1000
    pages = max(1, len(entries) // page_size)
    chosen = iter([1 + (i * 7919) % pages for i in range(repeat)] * 3)

    def page() -> object:
        return feed.page("catalog", Paging(next(chosen), page_size)).triples

    def page_turtle() -> object:
        return serialize(feed.page("catalog", Paging(next(chosen), page_size)).triples, RdfFormat.TURTLE)

    def floor() -> object:
        n = next(chosen)
        return [store.describe(e.iri) for e in entries[(n - 1) * page_size : n * page_size]]

    feed.page("catalog", Paging(1, page_size))  # concepts and catalogue facts, once per write
    return PageTimes(
        len(entries), index_ms, _median_ms(floor, repeat), _median_ms(page, repeat), _median_ms(page_turtle, repeat)
    )


def _feed_rows(ctx: Context) -> list[Row]:
    store = EmbeddedStore(ctx.workdir / "feed-store")
    try:
        store.bulk_load(pyoxigraph.parse(path=str(ctx.data()), format=RdfFormat.N_QUADS))
        t = page_times(store, PAGE, max(20, ctx.repeats))
    finally:
        store.close()
    peer = "describe"
    where = f"{t.records:,} records in {ctx.size:,} triples"
    return [
        Row("feed", f"page of {PAGE}: records read (describe)", "median", t.describe_ms, "ms", 1.0, peer, where),
        Row("feed", f"page of {PAGE}: DCAT-AP page built", "median", t.page_ms, "ms", t.describe_ms / t.page_ms, peer),
        Row(
            "feed",
            f"page of {PAGE}: built and written in Turtle",
            "median",
            t.turtle_ms,
            "ms",
            t.describe_ms / t.turtle_ms,
            peer,
        ),
        Row("feed", "record index of the feed (once per write)", "time", t.index_ms, "ms", None, "", where),
    ]


def raw_walk(url: str) -> tuple[int, float]:
    """GET every page of the feed, following the ``next`` links: pages, seconds."""
    pages = 0
    start = time.perf_counter()
    with httpx.Client(timeout=120, headers={"Accept": ACCEPT}) as client:
        next_url: str | None = url
        while next_url:
            response = client.get(next_url)
            response.raise_for_status()
            pages += 1
            next_url = response.links.get("next", {}).get("url")
    return pages, time.perf_counter() - start


def _count(store: EmbeddedStore) -> int:
    return int(store.select(COUNT).rows[0][0].value)  # type: ignore[union-attr,index]


def harvest(ctx: Context, base_url: str) -> tuple[int, int, float, list[str]]:
    """Our harvester on the served feed into a fresh on-disk store: records written, resources found, seconds,
    and the report's errors."""
    iris = Iris(DEFAULT_BASE)
    where = ctx.workdir / "feed-harvested"
    shutil.rmtree(where, ignore_errors=True)  # each run harvests into an empty store
    fresh = EmbeddedStore(where)
    try:
        writer = Writer(fresh, Validator(), iris)
        writer.replace_graphs({iris.ontology_graph: ontology_triples()})
        concepts = Concepts.from_store(fresh, iris.ontology_graph, NamedNode(iris.base + "def/theme"))
        url = f"{base_url}/catalog?page_size={HARVEST_PAGE}"
        fetcher = Fetcher(timeout=120)
        start = time.perf_counter()
        report = Harvester(writer).run(DcatSource("ressourcerie", url, iris, fetcher, concepts), url)
        seconds = time.perf_counter() - start
        fetcher.close()
        return report.written, _count(fresh), seconds, report.errors + [s.iri for s in report.skipped][:5]
    finally:
        fresh.close()


def _harvest_rows(ctx: Context) -> list[Row]:
    size = min(ctx.size, ctx.caps.get("harvest", HARVEST_TRIPLES))
    data = ctx.data(size)
    served = _count_in(data)
    walks, harvests = [], []
    for _ in range(ctx.repeats):  # alternately, so that both meet the same moments of a shared machine
        # each on a service just started: the feed's pages are built for each, none comes from the page cache
        with ours(ctx, data, "feed-served", own_base=True) as server:
            pages, walked = raw_walk(f"{server.query_url.removesuffix('/sparql')}/catalog?page_size={HARVEST_PAGE}")
        with ours(ctx, data, "feed-served", own_base=True) as server:
            written, found, took, errors = harvest(ctx, server.query_url.removesuffix("/sparql"))
        if errors or found != served:
            raise SystemExit(f"the harvest of our own feed found {found} of {served} resources: {errors}")
        walks.append(walked)
        harvests.append(took)
    walk, seconds = statistics.median(walks), statistics.median(harvests)
    where = f"{served:,} resources, {pages} pages of {HARVEST_PAGE}, from {size:,} triples"
    return [
        Row("harvest", "raw walk of the feed's pages (GETs only)", "time", walk, "s", 1.0, "raw walk", where),
        Row(
            "harvest",
            "our harvester: fetch, map, validate, write",
            "time",
            seconds,
            "s",
            walk / seconds,
            "raw walk",
            f"{written:,} records written, {written / seconds:,.0f} records/s; {served:,} resources found again",
        ),
    ]


def _count_in(data: Path) -> int:
    store = pyoxigraph.Store()
    store.bulk_load(path=str(data), format=RdfFormat.N_QUADS)
    found = store.query(CATALOGUED, use_default_graph_as_union=True)
    return int(next(iter(found))["n"].value)  # type: ignore[index,union-attr,arg-type]


def run(ctx: Context) -> list[Row]:
    return _feed_rows(ctx) + _harvest_rows(ctx)

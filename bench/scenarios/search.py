"""Search: ranked full-text search on the SQLite FTS5 index against SPARQL FILTER(CONTAINS(LCASE(...))) on the
same store, in process; and what keeping the index costs (build from the store, one-record update). Also the
searches whose words are seldom together (partial matches), a typo (a correction), and the order by date.

The peer is the named query ``text-search`` (substring match on title, keywords and description, ranked title
first), the way text was searched before the index; a bare title-only CONTAINS with LIMIT 20 is shown too.
"""

from __future__ import annotations

import statistics
import time

import pyoxigraph
from pyoxigraph import Literal, RdfFormat

from bench._common import Context, Row, timed
from graph.queries import QueryLibrary
from graph.search import Results, Search, SearchIndex
from graph.store import EmbeddedStore

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
# what people type: a keyword, a plural, two words, a phrase-like subject, a rare-ish subject with a qualifier
QUERIES = ["siret", "véhicules", "cotisations sociales", "offres d'emploi", "conventions collectives régionale"]
# queries whose words are seldom all together (partial matches are added), and a typo (a correction is offered)
PARTIAL = ["vérifier siret entreprise", "trouver une entreprise par son nom", "formaton professionnelle"]
TITLES_ONLY = """SELECT ?q ?r ?title WHERE {
  ?r a <http://www.w3.org/ns/dcat#Resource> ; <http://purl.org/dc/terms/title> ?title .
  FILTER(CONTAINS(LCASE(STR(?title)), LCASE(STR(?q))))
} LIMIT 20"""


def _median_ms(fn, repeats: int, warm: bool = True) -> float:  # type: ignore[no-untyped-def]
    if warm:
        fn()
    return statistics.median(timed(fn) for _ in range(repeats)) * 1000


def _partial_note(results: Results) -> str:
    if results.suggestion:
        return f"{results.total:,} hits, suggests {results.suggestion!r}"
    return f"{results.total:,} hits, {results.all_words} with every word"


def run(ctx: Context) -> list[Row]:
    store = EmbeddedStore(ctx.workdir / "search-store")
    try:
        store.bulk_load(pyoxigraph.parse(path=str(ctx.data()), format=RdfFormat.N_QUADS))
        index = SearchIndex.open(str(ctx.workdir / "search-index.sqlite"), BASE)
        start = time.perf_counter()
        records = index.rebuild(store)
        build = time.perf_counter() - start
        resources = index.search(Search("", {"kind": ["api", "dataset", "source-code", "ai", "catalogue"]})).total
        library = QueryLibrary()
        repeats = max(5, ctx.repeats)
        ours, page_only, peer, titles, matches = [], [], [], [], []
        for q in QUERIES:
            ours.append(_median_ms(lambda q=q: index.search(Search(q)), repeats))  # type: ignore[misc]
            page_only.append(
                _median_ms(lambda q=q: index.search(Search(q, {"access": ["open"]}, per_page=10)), repeats)  # type: ignore[misc]
            )
            peer.append(_median_ms(lambda q=q: library.run(store, "text-search", {"q": q}), ctx.repeats, warm=False))  # type: ignore[misc]
            titles.append(_median_ms(lambda q=q: store.select(TITLES_ONLY, {"q": Literal(q)}), repeats))  # type: ignore[misc]
            matches.append(index.search(Search(q, per_page=1)).total)
        partial = [_median_ms(lambda q=q: index.search(Search(q)), repeats) for q in PARTIAL]  # type: ignore[misc]
        partial_notes = [_partial_note(index.search(Search(q, per_page=1))) for q in PARTIAL]
        by_date = [_median_ms(lambda q=q: index.search(Search(q, sort="date")), repeats) for q in QUERIES]  # type: ignore[misc]
        one = index.search(Search("siret", per_page=1)).hits[0].iri
        update = _median_ms(lambda: index.update(store, [pyoxigraph.NamedNode(one)]), repeats)
        index.close()
    finally:
        store.close()
    m_peer, m_ours = statistics.median(peer), statistics.median(ours)
    m_titles, m_page = statistics.median(titles), statistics.median(page_only)
    size_note = f"{resources:,} resources ({records:,} records) in {ctx.size:,} triples"
    per_query = "; ".join(
        f"{q}: {o:.1f} ms vs {p:.0f} ms, {n:,} hits" for q, o, p, n in zip(QUERIES, ours, peer, matches, strict=True)
    )
    return [
        Row("search", "index build from the store", "time", build * 1000, "ms", None, "", size_note),
        Row(
            "search",
            "SPARQL text-search.rq: FILTER CONTAINS, ranked",
            "median latency",
            m_peer,
            "ms",
            1.0,
            "FILTER CONTAINS",
            f"median over {len(QUERIES)} queries, each the median of {ctx.repeats} runs; worst {max(peer):.0f} ms",
        ),
        Row(
            "search",
            "SPARQL FILTER CONTAINS on titles, first 20, unranked",
            "median latency",
            m_titles,
            "ms",
            m_peer / m_titles,
            "FILTER CONTAINS",
            f"worst {max(titles):.0f} ms",
        ),
        Row(
            "search",
            "FTS5 search: ranked page of 20, total, 4 facets' counts, excerpts",
            "median latency",
            m_ours,
            "ms",
            m_peer / m_ours,
            "FILTER CONTAINS",
            f"worst {max(ours):.1f} ms; {per_query}",
        ),
        Row(
            "search",
            "FTS5 search with a filter (access=open), page of 10",
            "median latency",
            m_page,
            "ms",
            m_peer / m_page,
            "FILTER CONTAINS",
            f"worst {max(page_only):.1f} ms",
        ),
        Row(
            "search",
            "FTS5 search, few records hold every word: partial matches added (or a correction)",
            "median latency",
            statistics.median(partial),
            "ms",
            m_peer / statistics.median(partial),
            "FILTER CONTAINS",
            "; ".join(f"{q}: {t:.1f} ms, {n}" for q, t, n in zip(PARTIAL, partial, partial_notes, strict=True)),
        ),
        Row(
            "search",
            "FTS5 search sorted by date, page of 20",
            "median latency",
            statistics.median(by_date),
            "ms",
            m_peer / statistics.median(by_date),
            "FILTER CONTAINS",
            f"worst {max(by_date):.1f} ms",
        ),
        Row("search", "index update after a one-record write", "median latency", update, "ms", None, "", ""),
    ]

from __future__ import annotations

from graph.web.pages._view import branches


def test_a_union_of_branches_runs_one_branch_at_a_time() -> None:
    query = 'SELECT ?o ?part ?x WHERE {\n  { BIND("a" AS ?part) ?o <p> ?x . OPTIONAL { ?x <l> ?y } }\n  UNION { ?x <q> ?o }\n}'
    assert branches(query) == (
        'SELECT ?o ?part ?x WHERE { BIND("a" AS ?part) ?o <p> ?x . OPTIONAL { ?x <l> ?y } }',
        "SELECT ?o ?part ?x WHERE { ?x <q> ?o }",
    )


def test_other_queries_run_as_they_are() -> None:
    for query in (
        "SELECT ?x WHERE { ?x ?p ?o }",
        "SELECT ?x WHERE { { ?x <a> ?o } ?x <b> ?c }",  # a group joined with a pattern, not a union
        "SELECT ?x WHERE { { ?x <a> ?o } OPTIONAL { ?x <b> ?c } }",
        "ASK { ?x ?p ?o }",
    ):
        assert branches(query) == (query,)


def test_no_branch_of_a_record_page_holds_a_union_of_its_own() -> None:
    """A UNION inside a branch is planned before the record is bound: at 1M triples the organisation page's
    users took 2.5-2.9 s for any organisation, and a document's related articles 47 ms (bench/PROFILES.md).
    Such a branch is written as two branches of the page's query instead."""
    import importlib

    found = []
    for name in ("document", "organisation", "person", "resource", "service", "usage"):
        query = importlib.import_module(f"graph.web.pages.{name}_page").QUERY
        assert len(branches(query)) > 1, name
        found += [f"{name}: {b[:120]}" for b in branches(query) if "UNION" in b.upper()]
    assert found == []

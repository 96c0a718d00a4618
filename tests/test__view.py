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

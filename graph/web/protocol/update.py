"""SPARQL 1.1 Update at /sparql, validated like every other write.

An update is never run on the store itself. Inside one transaction of the writer (``graph.writer``), its
effect is computed on an in-memory copy of the store (pyoxigraph, the same engine), then the named graphs it
changed (and the default graph, if it did) are replaced whole: validated with the shapes, written in one
step, or refused as a whole (422) with the store untouched. No other write can land between the copy and the
replacement. The cost is a copy of the store per update, plus the
validation of every record of each changed graph. Measured on the seed store (10,457 quads): copy, update
and diff about 0.09 s; validation and write 0.01 s for a small graph, 0.5 s when the update touches
seed/ressourcerie (2,923 triples), 1.1 s for seed/apigouv (6,679); then the query workers' new snapshot,
about 0.1 s. Acceptable while updates are off by default and rare; validating only the records the update
touches (an Ingestor write taking added and removed quads) would remove the per-graph part.

Dataset: without ``USING``/``WITH``, an update's ``WHERE`` matches the store's default graph, as SPARQL says
(queries at /sparql see the union of the named graphs instead; use ``GRAPH ?g`` or ``using-graph-uri``).
The protocol's ``using-graph-uri``/``using-named-graph-uri`` are added to each ``DELETE``/``INSERT ... WHERE``
operation as ``USING``/``USING NAMED`` clauses, written from the parsed IRIs (the update text is the
caller's own program, so this grants nothing it could not write itself); with a ``USING`` or ``WITH`` already
in the text they are refused (400), as the protocol requires.

``LOAD`` and ``SERVICE`` are refused: the service makes no outgoing requests on a writer's behalf.
The meta graph is the service's record of writes: an update may not add to it, and what it removes from it
is replaced by the service's own record of the write.
"""

from __future__ import annotations

import asyncio
import io
import logging

from fastapi import Request
from fastapi.responses import Response
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple, parse

from graph import sandbox, update_effect
from graph._sparqltext import describe_syntax_error, tokens
from graph.errors import BadRequest, QuerySyntaxError, StoreError
from graph.ingest import GraphName
from graph.limits import check_sparql
from graph.store.base import Store
from graph.store.queries import QueryTimeout
from graph.web.auth import Forbidden, require_writer
from graph.web.context import Context
from graph.web.protocol._request import Params

log = logging.getLogger("ressourcerie.update")


class UpdateCrashed(BadRequest):
    """The update's text stopped the engine (a parser's stack overflow): refused, nothing written (400)."""


def with_dataset(text: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's dataset as ``USING``/``USING NAMED`` on each ``... WHERE`` operation."""
    toks = list(tokens(text))
    words = [t.text.upper() for t in toks]
    if "LOAD" in words or "SERVICE" in words:
        raise BadRequest(
            "LOAD and SERVICE are not accepted in updates: the service fetches nothing on a writer's behalf"
        )
    if not using and not using_named:
        return text
    if any(t.depth == 0 and w in ("USING", "WITH") for t, w in zip(toks, words, strict=True)):
        raise BadRequest(
            "the update names its dataset (USING, USING NAMED or WITH) and the request gives "
            "using-graph-uri/using-named-graph-uri: send one or the other"
        )
    clause = " ".join([f"USING {NamedNode(g)}" for g in using] + [f"USING NAMED {NamedNode(g)}" for g in using_named])
    where = [
        t.start
        for k, t in enumerate(toks)
        if t.depth == 0 and words[k] == "WHERE" and (k == 0 or words[k - 1] != "DELETE")
    ]
    for start in reversed(where):
        text = f"{text[:start]}{clause} {text[start:]}"
    return text


def forbid_meta(ctx: Context, graph: GraphName) -> None:
    if graph == ctx.iris.meta_graph:
        raise Forbidden(f"{graph} is written by the service only (its record of every write)")


def effect(ctx: Context, store: Store, text: str, base_iri: str) -> dict[GraphName, list[Triple]]:
    """The graphs the update changes, with their whole new content; the store is not touched.

    The update runs in a sandboxed child process (``graph.sandbox``) on a copy of the store: a text that crashes
    the engine's parser kills the child and is answered 400, one that runs past ``query_timeout`` is stopped."""
    dataset = io.BytesIO()
    store.dump(dataset, RdfFormat.N_QUADS)
    meta = ctx.iris.meta_graph
    try:
        outcome = sandbox.run(
            update_effect.compute, dataset.getvalue(), text, base_iri, meta.value, timeout=ctx.settings.query_timeout
        )
    except sandbox.Crashed as e:
        log.warning("a SPARQL Update stopped its sandbox (%s): %s", e, text[:200])
        raise UpdateCrashed(
            "the update stopped the SPARQL engine (its process ended); nothing was written. It is probably too "
            "long or too deeply nested: split it / la mise à jour a arrêté le moteur SPARQL ; rien n'a été écrit"
        ) from None
    except sandbox.TimedOut:
        raise QueryTimeout(
            f"the update ran longer than {ctx.settings.query_timeout:g} s (query_timeout) and was stopped; nothing "
            "was written"
        ) from None
    except sandbox.Failed as e:
        log.error("a SPARQL Update failed in its sandbox: %s", e)
        raise StoreError("the update could not be evaluated; nothing was written") from None
    if outcome.error == "syntax":
        message = describe_syntax_error(SyntaxError(outcome.message))
        raise QuerySyntaxError(message.replace("SPARQL syntax error", "SPARQL Update syntax error"))
    if outcome.error is not None:
        raise BadRequest(f"the update failed, nothing was written: {outcome.message}")
    if outcome.wrote_meta:
        forbid_meta(ctx, meta)
    return {
        (DefaultGraph() if g == update_effect.DEFAULT else NamedNode(g)): [
            q.triple for q in parse(body, format=RdfFormat.N_TRIPLES)
        ]
        for g, body in outcome.graphs.items()
    }


def apply(ctx: Context, text: str, base_iri: str) -> bool:
    """Run the update: validated, atomic. True if the store changed."""
    with ctx.writer.transaction("SPARQL Update") as tx:
        contents = effect(ctx, tx.store, text, base_iri)
        if not contents:
            return False
        sources = {g: "SPARQL Update" for g in contents if isinstance(g, NamedNode)}
        tx.replace_graphs(contents, sources=sources)
    return True


async def run_update(request: Request, ctx: Context, text: str, params: Params) -> Response:
    require_writer(request, ctx.settings)
    check_sparql(text, ctx.settings.max_nesting_depth, "update")
    text = with_dataset(text, params.iris("using-graph-uri") or [], params.iris("using-named-graph-uri") or [])
    base_iri = str(request.url).split("?", 1)[0]
    await asyncio.to_thread(apply, ctx, text, base_iri)
    return Response(status_code=204)

"""Validated writes: nothing enters the store unless the records it touches conform to the shapes.

A write is checked incrementally. Its *focus* is every record whose triples it adds or removes, plus the
records that link to a record which loses a type (their ``sh:class`` checks depend on it). The data graph
handed to SHACL holds, as the store would be after the write, each focus record's triples (its IRI and its
``#`` nodes) and the ``rdf:type`` of every node they point to. Only when that conforms is the write made,
as one transaction; a refused write leaves the store exactly as it was.

The ``Ingestor`` does not serialise writes: ``graph.writer.Writer`` does, and is the only user of this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from graph.community.curation import Override, hidden, overrides_in, overrides_of
from graph.errors import ValidationFailed
from graph.iris import Iris
from graph.namespaces import DCT, PROV, RDF, RSR, XSD
from graph.rdf import record_statements, root_of, skolemize
from graph.store.base import GraphName, Store
from graph.validation import Report, ValidationResult, Validator

# the graphs a write touches, each with its triples (named graphs; the default graph for Graph Store writes)
Contents = Mapping[NamedNode, Iterable[Triple]] | Mapping[GraphName, Iterable[Triple]]
ProvenanceOf = Callable[[dict[NamedNode, list[ValidationResult]], Report], Iterable[Triple]]


@dataclass
class WriteResult:
    report: Report
    focus: int
    added: int = 0
    removed: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    records: set[NamedNode] = field(default_factory=set)  # the records the write touched (checked again)


class _View:
    """The store as it would be after a write: some graphs replaced, some quads added or removed."""

    def __init__(
        self,
        store: Store,
        replaced: Mapping[GraphName, list[Triple]] | None = None,
        added: Iterable[Quad] = (),
        removed: Iterable[Quad] = (),
        curation: NamedNode | None = None,
    ) -> None:
        self.store = store
        self.hidden = set(replaced or {})
        self.removed = set(removed)
        self.by_subject: dict[NamedNode, list[Triple]] = defaultdict(list)
        self.by_object: dict[NamedNode, set[NamedNode]] = defaultdict(set)
        added = list(added)
        # values a correction overrides are set aside, as the site shows the records (graph.community.curation)
        self.curation = curation
        self.overrides: set[Override] = set()
        if curation is not None:
            held = (replaced or {}).get(curation)
            self.overrides = overrides_in(held) if held is not None else overrides_of(store, curation)
            self.overrides |= overrides_in(q.triple for q in added if q.graph_name == curation)
        by_subject, by_object = self.by_subject, self.by_object
        for g, ts in [*(replaced or {}).items(), *((q.graph_name, [q.triple]) for q in added)]:
            if self.overrides and g != curation:
                ts = [t for t in ts if (t.subject, t.predicate) not in self.overrides]
            for t in ts:
                by_subject[t.subject].append(t)  # type: ignore[index]
                if type(t.object) is NamedNode:
                    by_object[t.object].add(t.subject)  # type: ignore[arg-type]

    def _visible(self, q: Quad) -> bool:
        if self.curation is not None and hidden(q, self.overrides, self.curation):
            return False
        return q.graph_name not in self.hidden and q not in self.removed

    def outgoing(self, node: NamedNode) -> list[Triple]:
        out = [q.triple for q in self.store.quads(node, None, None, None) if self._visible(q)]
        out.extend(self.by_subject.get(node, ()))
        return out

    def types(self, node: NamedNode) -> set[NamedNode]:
        found = {q.object for q in self.store.quads(node, RDF.type, None, None) if self._visible(q)}
        found.update(t.object for t in self.by_subject.get(node, ()) if t.predicate == RDF.type)
        return found  # type: ignore[return-value]

    def referrers(self, node: NamedNode) -> set[NamedNode]:
        found = {q.subject for q in self.store.quads(None, None, node, None) if self._visible(q)}
        found.update(self.by_object.get(node, ()))
        return {s for s in found if isinstance(s, NamedNode)}

    def record(self, root: NamedNode) -> tuple[list[Triple], set[NamedNode]]:
        """A record's triples (its IRI's and those of its ``#`` nodes) and the nodes they describe."""
        triples = record_statements(root, lambda nodes: (t for n in nodes for t in self.outgoing(n)))
        return triples, {root} | {t.subject for t in triples}  # type: ignore[misc]


class Ingestor:
    """Validated writes: ``replace_graphs``, ``replace_graph_records``, ``add``, ``remove_record``; called by the
    writer, under its lock."""

    def __init__(self, store: Store, validator: Validator, iris: Iris) -> None:
        self.store = store
        self.validator = validator
        self.iris = iris
        self.curation = iris.graph("curation")

    # --- public API -----------------------------------------------------------------------------------------

    def check_graphs(self, contents: Contents) -> Report:
        """Validate replacing these graphs without writing anything."""
        prepared = self._prepare(contents)
        return self._validate(
            _View(self.store, replaced=prepared, curation=self.curation), self._changed_replace(prepared)
        )[0]

    def replace_graphs(
        self,
        contents: Contents,
        sources: Mapping[NamedNode, str] | None = None,
        provenance: Iterable[Triple] = (),
    ) -> WriteResult:
        """Replace each named graph (or the default graph) with new content, atomically, after validation.
        ``provenance`` triples are added to the meta graph in the same step (a harvest run, say)."""
        prepared = self._prepare(contents)
        view = _View(self.store, replaced=prepared, curation=self.curation)
        report, focus = self._validate(view, self._changed_replace(prepared))
        if not report.conforms:
            raise ValidationFailed(report)
        meta = self._meta_update(prepared, sources or {}) + list(provenance)
        self.store.replace_graphs({**prepared, self.iris.meta_graph: meta})
        return WriteResult(
            report,
            len(focus),
            added=sum(map(len, prepared.values())),
            graphs={g.value if isinstance(g, NamedNode) else "": len(t) for g, t in prepared.items()},
            records=focus,
        )

    def replace_graph_records(
        self,
        graph: NamedNode,
        records: Mapping[NamedNode, list[Triple]],
        source: str,
        provenance: ProvenanceOf,
    ) -> tuple[WriteResult, dict[NamedNode, list[ValidationResult]]]:
        """Replace a named graph with records (root IRI -> its triples), leaving out the records that break
        the shapes: they are dropped, and the rest validated again (a record whose publisher was dropped
        breaks in turn), until what remains conforms; then it is written in one atomic step, with the
        ``provenance(skipped, report)`` triples added to the meta graph. A violation of a record outside
        ``records`` (one of another graph that links to a record the replacement removes) refuses the whole
        write. Returns the write and the skipped records with their violations."""
        kept = dict(records)
        skipped: dict[NamedNode, list[ValidationResult]] = {}
        while True:
            prepared = self._prepare({graph: [t for ts in kept.values() for t in ts]})
            report, focus = self._validate(
                _View(self.store, replaced=prepared, curation=self.curation), self._changed_replace(prepared)
            )
            bad: dict[NamedNode, list[ValidationResult]] = defaultdict(list)
            for r in report.violations:
                bad[root_of(NamedNode(r.focus))].append(r)
            outside = {root.value for root in bad if root not in kept}
            if outside:
                raise ValidationFailed(Report([r for r in report.violations if r.focus.split("#", 1)[0] in outside]))
            if not bad:
                break
            for root, results in bad.items():
                skipped[root] = results
                del kept[root]
        meta = self._meta_update(prepared, {graph: source}) + list(provenance(skipped, report))
        self.store.replace_graphs({**prepared, self.iris.meta_graph: meta})
        result = WriteResult(
            report,
            len(focus),
            added=len(prepared[graph]),
            graphs={graph.value: len(prepared[graph])},
            records=focus | set(skipped),
        )
        return result, skipped

    def check_add(self, contents: Contents) -> Report:
        """Validate adding these triples without writing anything."""
        return self._plan_add(contents)[0]

    def add(self, contents: Contents) -> WriteResult:
        """Add triples to named graphs, atomically, after validation of the records they touch."""
        report, focus, fresh = self._plan_add(contents)
        if not report.conforms:
            raise ValidationFailed(report)
        self.store.add(fresh)
        return WriteResult(report, len(focus), added=len(fresh), records=focus)

    def _plan_add(self, contents: Contents) -> tuple[Report, set[NamedNode], list[Quad]]:
        fresh: list[Quad] = []
        for g, triples in self._prepare(contents).items():
            by_subject: dict[NamedNode, list[Triple]] = defaultdict(list)
            for t in triples:
                by_subject[t.subject].append(t)  # type: ignore[index]
            for subject, ts in by_subject.items():  # one read per subject, not per triple
                present = {q.triple for q in self.store.quads(subject, None, None, g)}
                fresh.extend(Quad(t.subject, t.predicate, t.object, g) for t in ts if t not in present)
        changed = {root_of(q.subject) for q in fresh}  # type: ignore[arg-type]
        report, focus = self._validate(_View(self.store, added=fresh, curation=self.curation), changed, lost=set())
        return report, focus, fresh

    def remove_record(self, iri: NamedNode, graph: NamedNode | None = None) -> WriteResult:
        """Remove a record's triples (its IRI and its ``#`` nodes), from one graph or all of them.

        Refused if records that remain would then break the shapes (a usage of a removed resource, say).
        """
        quads = [q for q in self.store.describe(iri) if graph is None or q.graph_name == graph]
        if not quads:
            return WriteResult(Report(), 0)
        view = _View(self.store, removed=quads, curation=self.curation)
        before = {q.object for q in quads if q.predicate == RDF.type and q.subject == iri}
        lost = {iri} if before - view.types(iri) else set()
        report, focus = self._validate(view, {iri}, lost=lost)
        if not report.conforms:
            raise ValidationFailed(report)
        self.store.remove(quads)
        return WriteResult(report, len(focus), removed=len(quads), records=focus | {iri})

    # --- internals ------------------------------------------------------------------------------------------

    def _prepare(self, contents: Contents) -> dict[GraphName, list[Triple]]:
        prepared = {}
        for g, triples in contents.items():
            triples = list(triples)
            if any(type(t.subject) is BlankNode or type(t.object) is BlankNode for t in triples):
                quads = skolemize([Quad(t.subject, t.predicate, t.object, g) for t in triples], self.iris.base)
                triples = [q.triple for q in quads]
            prepared[g] = list(dict.fromkeys(triples))
        return prepared

    def _changed_replace(self, prepared: Mapping[GraphName, list[Triple]]) -> dict[str, set[NamedNode]]:
        changed: set[NamedNode] = set()
        old_roots: set[NamedNode] = set()
        for g, triples in prepared.items():
            changed.update(root_of(s) for s in {t.subject for t in triples})  # type: ignore[arg-type]
            for q in self.store.quads(None, None, None, g):
                if isinstance(q.subject, NamedNode):
                    old_roots.add(root_of(q.subject))
        changed |= old_roots
        return {"changed": changed, "maybe_lost": old_roots}

    def _validate(
        self,
        view: _View,
        changed: set[NamedNode] | dict[str, set[NamedNode]],
        lost: set[NamedNode] | None = None,
    ) -> tuple[Report, set[NamedNode]]:
        if isinstance(changed, dict):
            maybe_lost = changed["maybe_lost"]
            roots = set(changed["changed"])
            lost = {r for r in maybe_lost if self._old_types(r) - view.types(r)}
        else:
            roots = set(changed)
        for node in lost or ():
            roots.update(root_of(r) for r in view.referrers(node))
        data: list[Triple] = []
        focus_nodes: set[NamedNode] = set()
        linked: set[NamedNode] = set()
        for root in roots:
            triples, nodes = view.record(root)
            data.extend(triples)
            focus_nodes |= nodes
            linked.update(t.object for t in triples if isinstance(t.object, NamedNode) and t.predicate != RDF.type)
        for node in linked - focus_nodes:
            data.extend(Triple(node, RDF.type, t) for t in view.types(node))
        if not data:
            return Report(), roots
        return self.validator.validate(data, focus=focus_nodes), roots

    def _old_types(self, node: NamedNode) -> set[NamedNode]:
        return {q.object for q in self.store.quads(node, RDF.type, None, None)}  # type: ignore[misc]

    def _meta_update(
        self, prepared: Mapping[GraphName, list[Triple]], sources: Mapping[NamedNode, str]
    ) -> list[Triple]:
        """The meta graph after the write: per named graph, when it was loaded, from what, how big.
        The default graph has no name to describe, so no entry."""
        meta = self.iris.meta_graph
        now = Literal(datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"), datatype=XSD.dateTime)
        kept = [q.triple for q in self.store.quads(None, None, None, meta) if q.subject not in prepared]
        for g, triples in prepared.items():
            if not isinstance(g, NamedNode):
                continue
            kept += [
                Triple(g, RDF.type, PROV.Entity),
                Triple(g, PROV.generatedAtTime, now),
                Triple(g, DCT.modified, now),
                Triple(g, RSR.tripleCount, Literal(str(len(triples)), datatype=XSD.integer)),
            ]
            if g in sources:
                kept.append(Triple(g, DCT.source, Literal(sources[g])))
        return kept

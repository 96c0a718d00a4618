"""The harvest pipeline, in stages: gather (the source's records), match (identity keys against the store
and within the run), validate (each record against the shapes; invalid ones skipped and reported), write
(the source's named graph replaced in one atomic step, with the run's provenance).

A source's records go to ``<base>graph/harvest/<name>``. A run that fails (source unreachable, malformed
page, or a write that would break records of other sources) writes nothing but its own failed provenance.
"""

from __future__ import annotations

from collections import defaultdict

from pyoxigraph import Literal, NamedNode, Triple

from graph.errors import HarvestError, ValidationFailed
from graph.harvest.keys import KeyIndex
from graph.harvest.merge import Limits, merge
from graph.harvest.records import Record, Source
from graph.harvest.report import HarvestReport, Match, Skipped, now
from graph.namespaces import DCT, FOAF, RDF, SKOS
from graph.rdf import root_of
from graph.store.base import Store
from graph.validation import Report, ValidationResult
from graph.writer import Transaction, Writer


class Harvester:
    """Runs sources through the stages. Gathering (the source's pages, fetched over the network) happens
    outside the writer's lock; matching against the store and writing happen in one transaction."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.iris = writer.iris
        self.limits = Limits.of(writer.validator)  # what a merged record may hold once, from the shapes
        self.store: Store = writer.store

    def graph_of(self, name: str) -> NamedNode:
        return self.iris.graph(f"harvest/{name}")

    def run(self, source: Source, location: str) -> HarvestReport:
        graph = self.graph_of(source.name)
        report = HarvestReport(source.name, location, graph.value, started=now())
        try:
            records = list(source.records())
            with self.writer.transaction(f"harvest {source.name}") as tx:
                self._harvest(tx, source, records, graph, report)
        except (HarvestError, ValidationFailed) as e:
            report.status = "failed"
            report.errors.append(e.message)
            if isinstance(e, ValidationFailed):
                report.errors += [r.text("en") for r in e.report.violations[:20]]
            self._source_facts(source, report)
            report.ended = now()
            self.writer.add({self.iris.meta_graph: report.provenance()}, operation=f"harvest {source.name} (failed)")
        return report

    # --- stages ---------------------------------------------------------------------------------------------

    def _harvest(
        self, tx: Transaction, source: Source, records: list[Record], graph: NamedNode, report: HarvestReport
    ) -> None:
        rejected = list(getattr(source, "rejected", []))
        report.seen = len(records) + len(rejected)
        for what, why in rejected:
            report.skipped.append(Skipped(what, "", [_said(what, why)]))
        contents, labels = self._match(source, records, graph, report)
        store = tx.store
        previous = {root_of(q.subject) for q in store.quads(graph=graph) if isinstance(q.subject, NamedNode)}
        previous_labels = {iri: self._label(iri, graph) for iri in previous - set(contents)}
        self._source_facts(source, report)

        def provenance(skipped: dict[NamedNode, list[ValidationResult]], result: Report) -> list[Triple]:
            for root, results in skipped.items():
                because = _because(root, results, skipped)
                said = [_said(root, f"because <{iri.value}> was skipped") for iri in because]
                report.skipped.append(
                    Skipped(labels.get(root, root.value), root.value, said + [_result(r) for r in results])
                )
            kept = set(contents) - set(skipped)
            for iri in sorted(previous - kept, key=lambda n: n.value):
                report.gone.append({"iri": iri.value, "label": previous_labels.get(iri) or self._label(iri, graph)})
            report.written = len(kept)
            report.validation_warnings = len(result.warnings)
            report.status = "succeeded"
            report.ended = now()
            return report.provenance()

        written, _skipped = tx.replace_graph_records(graph, contents, report.location, provenance)
        report.triples = written.added

    def _match(
        self, source: Source, records: list[Record], graph: NamedNode, report: HarvestReport
    ) -> tuple[dict[NamedNode, list[Triple]], dict[NamedNode, str]]:
        """Give each record its IRI (a known record's, another of the run's, or its own) and merge records
        that share one; returns the triples to write, by record."""
        index = KeyIndex.build(self.store, graph, self.iris.meta_graph)
        run = KeyIndex()
        final: dict[NamedNode, NamedNode] = {}  # a source IRI -> the IRI its first record takes
        members: dict[NamedNode, list[Record]] = defaultdict(list)
        a_type, agent = RDF.type, FOAF.Agent
        for rec in records:
            if not rec.triples:
                report.skipped.append(Skipped(rec.label, rec.iri.value, [_said(rec.iri, "the record states nothing")]))
                continue
            family = "agent" if any(t.predicate == a_type and t.object == agent for t in rec.triples) else "resource"
            hit = index.lookup(family, rec.keys)
            for key in index.ambiguous(family, rec.keys):
                rec.notes.append(f"{key} names several known records: not used to match")
            among = "store"
            if hit is None and family == "agent":
                # within one source, two resource records are two things even when they share a landing page
                # or cite the same dataset; agents, though, are repeated on every record that names them
                hit, among = run.lookup(family, rec.keys), "run"
            if hit is not None:
                target = hit[1]
                report.matches.append(Match(rec.label, rec.iri.value, target.value, hit[0], among))
            else:
                target = rec.iri
                n = 1
                while target in members or target in index.records:
                    n += 1
                    target = NamedNode(f"{rec.iri.value}-{source.name}" + (f"-{n}" if n > 2 else ""))
            final.setdefault(rec.iri, target)
            members[target].append(rec)
            run.add(family, rec.keys, target)
            if rec.notes:
                report.notes.setdefault(target.value, []).extend(rec.notes)

        contents: dict[NamedNode, list[Triple]] = {}
        labels: dict[NamedNode, str] = {}
        renamed: dict[NamedNode, NamedNode] = {}  # # nodes renamed apart from a known record's
        moved = {iri for iri, target in final.items() if iri != target}  # records that took another IRI
        for target, recs in members.items():
            # a record matched to a known one, or one with a known record's IRI (a usage: usages have no keys)
            already = self._elsewhere(target, graph)
            out: list[Triple] = []
            for rec in recs:
                # its own nodes move with it, its links follow the run's records
                if moved or rec.iri != target:
                    incoming = [_moved_triple(t, final, rec.iri, target) for t in rec.triples]
                else:
                    incoming = rec.triples
                merged = merge(incoming, already + out, self.limits, source.name)
                out += merged.triples
                renamed.update(merged.renamed)
                if merged.notes:
                    report.notes.setdefault(target.value, []).extend(merged.notes)
            contents[target] = list(dict.fromkeys(out))
            labels[target] = recs[0].label
        if renamed:  # links from the run's other records to a renamed # node follow it
            for root, triples in contents.items():
                contents[root] = [
                    Triple(t.subject, t.predicate, renamed[t.object])
                    if isinstance(t.object, NamedNode) and t.object in renamed and root_of(t.object) != root
                    else t
                    for t in triples
                ]
        return contents, labels

    # --- helpers --------------------------------------------------------------------------------------------

    def _elsewhere(self, iri: NamedNode, graph: NamedNode) -> list[Triple]:
        """A known record's statements in the other graphs."""
        return [q.triple for q in self.store.describe(iri) if q.graph_name != graph]

    def _label(self, iri: NamedNode, graph: NamedNode) -> str:
        for g in (graph, None):
            for p in (DCT.title, FOAF.name, SKOS.altLabel, DCT.alternative):
                for q in self.store.quads(iri, p, None, g):
                    if isinstance(q.object, Literal):
                        return q.object.value
        return iri.value

    def _source_facts(self, source: Source, report: HarvestReport) -> None:
        report.pages = int(getattr(source, "pages", 0))
        report.page_urls = list(getattr(getattr(source, "walk", None), "urls", []))
        report.warnings = list(getattr(source, "warnings", []))


def _moved_triple(t: Triple, final: dict[NamedNode, NamedNode], own: NamedNode, target: NamedNode) -> Triple:
    """``t`` with its nodes moved: those of ``own`` to ``target``, those of the run's other records where they went."""
    return Triple(_moved(t.subject, final, own, target), t.predicate, _moved(t.object, final, own, target))  # type: ignore[arg-type]


def _moved(term: object, final: dict[NamedNode, NamedNode], own: NamedNode, target: NamedNode) -> object:
    if not isinstance(term, NamedNode):
        return term
    root = root_of(term)
    to = target if root == own else final.get(root)
    if to is None or to == root:
        return term
    return NamedNode(to.value + term.value[len(root.value) :])


def _because(
    root: NamedNode, results: list[ValidationResult], skipped: dict[NamedNode, list[ValidationResult]]
) -> list[NamedNode]:
    """The other skipped records a skipped record's violations point at: it was left out because of them."""
    found: dict[NamedNode, None] = {}
    for r in results:
        if r.value is None or "://" not in r.value:
            continue
        try:
            target = root_of(NamedNode(r.value))
        except ValueError:
            continue  # a literal value
        if target != root and target in skipped:
            found[target] = None
    return list(found)


def _said(focus: NamedNode | str, message: str) -> dict[str, str | None]:
    value = focus.value if isinstance(focus, NamedNode) else focus
    return {"focus": value, "path": None, "message": message, "severity": "Violation"}


def _result(r: ValidationResult) -> dict[str, str | None]:
    return {"focus": r.focus, "path": r.path, "message": r.message.get("en") or r.text(), "severity": r.severity}

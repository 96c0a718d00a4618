"""Checks shared by the source adapters' tests: each record, with the records it links to, against the shapes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, Triple

from graph.harvest.records import Record
from graph.rdf import root_of
from graph.validation import Report
from graph.writer import Writer


@dataclass
class Outcome:
    valid: list[Record] = field(default_factory=list)
    invalid: list[tuple[Record, Report]] = field(default_factory=list)

    def text(self) -> str:
        return "\n".join(f"{r.label}: {report.text(limit=5)}" for r, report in self.invalid)


def closure(record: Record, by_iri: dict[NamedNode, Record]) -> list[Triple]:
    """The record's triples and those of the records it links to, transitively (its organisations, and for
    a usage the resource, service and user)."""
    seen = {record.iri}
    todo = [record]
    triples: list[Triple] = []
    while todo:
        current = todo.pop()
        triples.extend(current.triples)
        for t in current.triples:
            if isinstance(t.object, NamedNode):
                linked = by_iri.get(root_of(t.object))
                if linked is not None and linked.iri not in seen:
                    seen.add(linked.iri)
                    todo.append(linked)
    return triples


def check(records: Iterable[Record], writer: Writer) -> Outcome:
    """Validate each record on its own (with what it links to) as a write to an empty graph would be."""
    records = list(records)
    by_iri = {r.iri: r for r in records}
    outcome = Outcome()
    graph = writer.iris.graph("harvest/check")
    for r in records:
        report = writer.check_add({graph: closure(r, by_iri)})
        if report.conforms:
            outcome.valid.append(r)
        else:
            outcome.invalid.append((r, report))
    return outcome

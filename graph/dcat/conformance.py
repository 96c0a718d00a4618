"""The whole feed against the official DCAT-AP 3.0.0 shapes: walked page by page as a harvester would, then
validated at once (through ``graph.validation``: the shapes compiled to SPARQL, the same results as pyshacl).

One deviation is accepted, and listed apart: a ``dcat:DataService`` without ``dcat:endpointURL`` (DCAT-AP
requires one). It is an API whose endpoint no source gives; it is published as data.gouv.fr publishes its own,
a data service without endpoint, rather than with an invented one or not at all."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pyoxigraph import NamedNode, Triple

from graph.dcat.publish import Feed, whole_feed
from graph.namespaces import DCAT, RDF
from graph.validation import Report, ValidationResult, dcat_ap_validator


@dataclass
class Conformance:
    feed: str
    pages: int
    triples: list[Triple]
    records: dict[str, int]  # records per class
    report: Report  # shapes + range (violations) + recommended (warnings), the accepted deviation left out
    vocabularies: Report | None  # the EU controlled-vocabulary shapes, reported, not a gate
    seconds: float  # validation time
    without_endpoint: list[ValidationResult] = field(default_factory=list)  # the accepted deviation

    @property
    def conforms(self) -> bool:
        return self.report.conforms

    def deviation(self) -> str:
        """The data services without endpoint, one per line, under a line saying how many."""
        if not self.without_endpoint:
            return ""
        lines = [
            f"accepted deviation: {len(self.without_endpoint)} data services without dcat:endpointURL "
            "(no source gives their endpoint; DCAT-AP requires one):"
        ]
        lines += [f"  <{r.focus}>" for r in sorted(self.without_endpoint, key=lambda r: r.focus)]
        return "\n".join(lines)

    def summary(self) -> str:
        per_class = ", ".join(f"{n} {name}" for name, n in sorted(self.records.items()))
        lines = [
            f"feed /{'catalog' if self.feed == 'catalog' else 'catalog/software'}: {self.pages} page(s), "
            f"{sum(self.records.values())} records ({per_class}), {len(self.triples)} triples",
            f"DCAT-AP 3.0.0 (shapes, range, recommended): {len(self.report.violations)} violations, "
            f"{len(self.report.warnings)} warnings, validated in {self.seconds:.2f} s",
            f"accepted deviation (data services without endpoint): {len(self.without_endpoint)}",
        ]
        fallback = self.report.fallback + (self.vocabularies.fallback if self.vocabularies is not None else [])
        lines += [f"validated by pyshacl, not compiled: {shape}" for shape in dict.fromkeys(fallback)]
        if self.vocabularies is not None:
            lines.append(
                f"EU controlled vocabularies (mdr-vocabularies, not a gate): {len(self.vocabularies.violations)} "
                f"violations, {len(self.vocabularies.warnings)} warnings"
            )
        return "\n".join(lines)


def check(feed: Feed, name: str = "catalog", *, vocabularies: bool = False) -> Conformance:
    pages = whole_feed(feed, name)
    triples = list(dict.fromkeys(t for page in pages for t in page.triples))
    records: dict[str, int] = {}
    for page in pages:
        for cls, n in page.counts.items():
            records[cls] = records.get(cls, 0) + n
    start = time.perf_counter()
    report = dcat_ap_validator().validate(triples)
    seconds = time.perf_counter() - start
    services = {
        t.subject.value
        for t in triples
        if t.predicate == RDF.type and t.object == DCAT.DataService and isinstance(t.subject, NamedNode)
    }
    accepted = [r for r in report.violations if _missing_endpoint(r, services)]
    kept = Report([r for r in report.results if r not in accepted])
    vocab_report = None
    if vocabularies:
        vocab_report = dcat_ap_validator(recommended=False, vocabularies=True).validate(triples)
    return Conformance(name, len(pages), triples, records, kept, vocab_report, seconds, accepted)


def _missing_endpoint(result: ValidationResult, services: set[str]) -> bool:
    path = (result.path or "").strip("<>")
    return result.focus in services and path in (DCAT.endpointURL.value, "dcat:endpointURL") and result.value is None

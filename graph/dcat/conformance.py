"""The whole feed against the official DCAT-AP 3.0.0 shapes: walked page by page as a harvester would, then
validated at once (through ``graph.validation``: the shapes compiled to SPARQL, the same results as pyshacl)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from pyoxigraph import Triple

from graph.dcat.publish import Feed, whole_feed
from graph.validation import Report, dcat_ap_validator


@dataclass
class Conformance:
    feed: str
    pages: int
    triples: list[Triple]
    records: dict[str, int]  # records per class
    report: Report  # shapes + range (violations) + recommended (warnings)
    vocabularies: Report | None  # the EU controlled-vocabulary shapes, reported, not a gate
    seconds: float  # validation time

    def summary(self) -> str:
        per_class = ", ".join(f"{n} {name}" for name, n in sorted(self.records.items()))
        lines = [
            f"feed /{'catalog' if self.feed == 'catalog' else 'catalog/software'}: {self.pages} page(s), "
            f"{sum(self.records.values())} records ({per_class}), {len(self.triples)} triples",
            f"DCAT-AP 3.0.0 (shapes, range, recommended): {len(self.report.violations)} violations, "
            f"{len(self.report.warnings)} warnings, validated in {self.seconds:.2f} s",
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
    vocab_report = None
    if vocabularies:
        vocab_report = dcat_ap_validator(recommended=False, vocabularies=True).validate(triples)
    return Conformance(name, len(pages), triples, records, report, vocab_report, seconds)

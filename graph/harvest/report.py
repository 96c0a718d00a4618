"""What a harvest run did: the report (JSON file, summary on stdout) and its provenance (PROV, in the meta
graph, so that runs can be queried: see ``queries/harvest-runs.rq``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from graph.namespaces import PROV, RDF, RDFS, RSR, XSD


@dataclass
class Match:
    record: str  # label
    source_iri: str  # the IRI the source's record would have had
    iri: str  # the IRI it takes
    key: str  # the key that matched
    among: str  # "store" (a record already known) or "run" (another record of the same run)


@dataclass
class Skipped:
    record: str  # label
    iri: str
    results: list[dict[str, str | None]]  # focus, path, message (English), severity


@dataclass
class HarvestReport:
    source: str
    location: str
    graph: str
    started: datetime
    ended: datetime | None = None
    status: str = "running"
    pages: int = 0
    page_urls: list[str] = field(default_factory=list)
    seen: int = 0
    written: int = 0
    triples: int = 0
    validation_warnings: int = 0
    matches: list[Match] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    gone: list[dict[str, str]] = field(default_factory=list)  # records of the last run missing from this one
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)  # record IRI -> what lenient reading changed

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"

    @property
    def run_iri(self) -> NamedNode:
        return NamedNode(f"{self.graph}#run-{self.started.strftime('%Y%m%dT%H%M%S%fZ')}")

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["started"] = _iso(self.started)
        data["ended"] = _iso(self.ended) if self.ended else None
        data["run"] = self.run_iri.value
        data["counts"] = {
            "pages": self.pages,
            "seen": self.seen,
            "written": self.written,
            "skipped": len(self.skipped),
            "matched": len(self.matches),
            "gone": len(self.gone),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }
        return data

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n")

    def summary(self) -> str:
        c = self.as_json()["counts"]
        seconds = (self.ended - self.started).total_seconds() if self.ended else 0.0
        lines = [
            f"harvest {self.source} ({self.location}): {self.status} in {seconds:.2f} s",
            f"  pages {c['pages']}, records seen {c['seen']}, written {c['written']}, skipped {c['skipped']}, "  # type: ignore[index]
            f"matched {c['matched']}, gone {c['gone']}, errors {c['errors']}",  # type: ignore[index]
        ]
        if self.succeeded:
            lines.append(f"  graph <{self.graph}>: {self.triples} triples, {self.validation_warnings} SHACL warnings")
        lines += [f"  error: {e}" for e in self.errors]
        lines += [f"  warning: {w}" for w in self.warnings]
        for m in self.matches:
            lines.append(
                f"  matched: {m.record} -> <{m.iri}> by {m.key} ({'known record' if m.among == 'store' else 'same run'})"
            )
        for s in self.skipped:
            lines.append(f"  skipped: {s.record} <{s.iri}>")
            lines += [f"    {r['severity']}: <{r['focus']}> {r['path'] or ''}: {r['message']}" for r in s.results]
        lines += [f"  gone since the last run: {g['label']} <{g['iri']}>" for g in self.gone]
        return "\n".join(lines)

    def provenance(self) -> list[Triple]:
        """The run as a ``prov:Activity`` (an ``rsr:HarvestRun``) for the meta graph."""
        run = self.run_iri
        graph = NamedNode(self.graph)

        def integer(n: int) -> Literal:
            return Literal(str(n), datatype=XSD.integer)

        out = [
            Triple(run, RDF.type, PROV.Activity),
            Triple(run, RDF.type, RSR.HarvestRun),
            Triple(run, RDFS.label, Literal(f"harvest {self.source}")),
            Triple(run, PROV.used, _location(self.location)),
            Triple(run, PROV.startedAtTime, Literal(_iso(self.started), datatype=XSD.dateTime)),
            Triple(run, RSR.runStatus, Literal(self.status)),
            Triple(run, RSR.pageCount, integer(self.pages)),
            Triple(run, RSR.recordsSeen, integer(self.seen)),
            Triple(run, RSR.recordsWritten, integer(self.written)),
            Triple(run, RSR.recordsSkipped, integer(len(self.skipped))),
            Triple(run, RSR.recordsMatched, integer(len(self.matches))),
        ]
        if self.ended:
            out.append(Triple(run, PROV.endedAtTime, Literal(_iso(self.ended), datatype=XSD.dateTime)))
        if self.succeeded:
            out.append(Triple(run, PROV.generated, graph))
        for g in self.gone:
            out.append(Triple(run, PROV.invalidated, NamedNode(g["iri"])))
        issues = [f"error: {e}" for e in self.errors] + [f"warning: {w}" for w in self.warnings]
        for s in self.skipped:
            issues += [f"skipped <{r['focus']}> {r['path'] or ''}: {r['message']}" for r in s.results]
        out += [Triple(run, RSR.harvestIssue, Literal(text)) for text in issues]
        return out


def now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _location(location: str) -> NamedNode | Literal:
    try:
        return NamedNode(location if "://" in location else Path(location).resolve().as_uri())
    except ValueError:
        return Literal(location)

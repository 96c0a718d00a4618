"""What every source (a DCAT catalogue or a source adapter) hands to the harvest pipeline: records in our
model, each with the keys that recognise the same thing coming from another source."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from pyoxigraph import NamedNode, Triple


@dataclass
class Record:
    """One resource, organisation, person or usage as a source describes it, mapped to our model.

    ``iri`` is the IRI it would get (minted under the instance's base IRI from the source's identifier);
    the pipeline may replace it by the IRI of a record already known under one of ``keys``, rewriting the
    subjects and objects of ``triples``. ``triples`` hold the record's own statements and its ``#`` nodes.
    """

    iri: NamedNode
    triples: list[Triple]
    label: str
    # identity keys, normalised: "identifier:<dct:identifier>", "url:<landing page or repository URL, no
    # scheme, no trailing slash, lower case>", "datagouv:<data.gouv.fr id>", "siren:<9 digits>"; also
    # "iri:<the source's IRI of the record, normalised like url>" and, for organisations only,
    # "name:<name, normalised as loaders._build.norm>" (see loaders/harvest/keys.py)
    keys: frozenset[str] = frozenset()
    # what lenient reading had to guess or drop (text licence not mapped, unknown format...), for the report
    notes: list[str] = field(default_factory=list)


class Source(Protocol):
    """A source of records: a DCAT catalogue walked page by page, or an adapter over a source's API/files."""

    name: str  # short, stable: names the source's named graph (graph/harvest/<name>) and its report

    def records(self) -> Iterator[Record]:
        """The source's records, in a stable order. Problems with one record are the pipeline's to report;
        an error that stops the whole source (unreachable, malformed page) raises ``HarvestError``."""
        ...

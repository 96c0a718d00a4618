"""The seed's data.gouv.fr content (``data/seed/datagouv/datasets.json``): the data sets api.gouv.fr sheets name
by their data.gouv.fr id (``datagouv_uuid``), as data.gouv.fr's API gives them, with their organisation,
resources, reuses and the dataservices data.gouv.fr lists for them.

- Each data set becomes a ``dcat:Dataset`` (``loaders.datagouv.Mapper``), and the sheets naming it serve it
  (``dcat:servesDataset``, written by ``loaders.apigouv``).
- Its organisation is the seed's own when the seed knows it by name or acronym (``ADEME``, ``Institut national
  de la statistique et des études économiques (Insee)``): data.gouv.fr adds its SIRET, SIREN and id to it;
  otherwise it is a new organisation.
- Each reuse data.gouv.fr lists for a data set becomes a service (``duv:UsageTool``) and a usage of the data set
  through it; the organisation that publishes the reuse runs the service and makes the use (``dct:publisher``,
  ``prov:wasAssociatedWith``), matched to the seed's own by name like the data sets' organisations. A reuse
  published by a person's account names no organisation (the fixture keeps no ``owner``): its usage names no user.
- A dataservice gives an endpoint (``base_api_url``) to the api.gouv.fr sheet whose data.gouv.fr page it is:
  api.gouv.fr links a sheet to ``data.gouv.fr/fr/dataservices/<slugify(title)>``, so its slug is the key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Triple

from graph.iris import Iris, slugify
from graph.namespaces import ADMS
from graph.rdf import root_of
from loaders._build import Out, iri
from loaders.datagouv import Mapper
from loaders.organisations import by_name, names

FILE = "datasets.json"


@dataclass
class DatagouvSeed:
    bundles: list[dict[str, Any]]
    iris: Iris
    datasets: dict[str, NamedNode] = field(default_factory=dict)  # data.gouv.fr id -> the data set's IRI
    endpoints: dict[str, str] = field(default_factory=dict)  # dataservice slug -> base_api_url

    @classmethod
    def read(cls, folder: Path, iris: Iris) -> DatagouvSeed:
        path = folder / FILE
        bundles = json.loads(path.read_text())["datasets"] if path.exists() else []
        seed = cls(bundles, iris)
        for bundle in bundles:
            obj = bundle["dataset"]
            seed.datasets[obj["id"]] = iris.resource(f"datagouv-{slugify(obj['slug'])}")
            for service in bundle.get("dataservices") or []:
                url = iri(service.get("base_api_url"))
                if url is not None and service.get("slug"):
                    seed.endpoints[service["slug"]] = url.value
        return seed

    def load(self, known: Iterable[Triple]) -> Out:
        """The data sets and the organisations the seed does not know yet; ``known`` are the seed's triples so
        far (its organisations, by name and acronym)."""
        out = Out()
        agents = by_name(known)
        mapper = Mapper(self.iris)
        records = []
        for bundle in self.bundles:
            resources = [r for r in bundle.get("resources") or [] if isinstance(r, dict)]
            dataset = mapper.dataset(bundle["dataset"], resources, bundle.get("organization"))
            records.append(dataset)
            for reuse in bundle.get("reuses") or []:  # a service and its usage of the data set; its user, if any
                if isinstance(reuse, dict):
                    records += mapper.reuse(reuse, dataset.iri, bundle["dataset"]["title"])
        moves: dict[NamedNode, NamedNode] = {}
        for org in mapper.organisations.values():
            target = next((agents[n] for n in names(org.name, org.acronym) if n in agents), None)
            if target is not None:
                moves[org.iri(self.iris)] = target
        for rec in mapper.agents():
            target = moves.get(rec.iri)
            if target is None:
                out.triples += rec.triples
                continue
            # a known organisation: data.gouv.fr adds only its identifiers (SIREN, SIRET, data.gouv.fr id)
            for t in rec.triples:
                own_node = isinstance(t.subject, NamedNode) and t.subject != rec.iri and root_of(t.subject) == rec.iri
                if t.predicate == ADMS.identifier or own_node:
                    out.triples.append(_moved(t, rec.iri, target))
        for rec in records:
            for t in rec.triples:
                moved = moves.get(t.object) if isinstance(t.object, NamedNode) else None
                out.triples.append(_moved(t, t.object, moved) if moved is not None else t)
            out.problems += [f"data.gouv.fr dataset {rec.label!r}: {note}" for note in rec.notes]
        return out


def _moved(t: Triple, old: object, new: NamedNode) -> Triple:
    def move(term: Any) -> Any:
        if isinstance(term, NamedNode) and isinstance(old, NamedNode) and term.value.startswith(old.value):
            rest = term.value[len(old.value) :]
            if rest == "" or rest.startswith("#"):
                return NamedNode(new.value + rest)
        return term

    return Triple(move(t.subject), t.predicate, move(t.object))

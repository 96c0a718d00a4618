"""A data.gouv.fr search hit turned into records ready to be proposed or harvested: its organisation, then the
resource (a dataset's resources read from its v2 resources link when the hit does not carry them)."""

from __future__ import annotations

from graph.datagouv import DatagouvClient, Hit
from graph.harvest.records import Record
from graph.iris import Iris
from loaders.datagouv import Mapper, resources_of


def records(client: DatagouvClient, hit: Hit, iris: Iris) -> list[Record]:
    mapper = Mapper(iris)
    if hit.kind == "dataservice":
        main = mapper.dataservice(hit.payload)
    else:
        main = mapper.dataset(hit.payload, resources_of(hit.payload, client.fetch), None)
    return [*mapper.agents(), main]

"""The kinds of resource: each a concept of the kinds scheme (``rsr:kind``), with the RDF classes a resource of
that kind has besides ``dcat:Resource``."""

from __future__ import annotations

from pyoxigraph import NamedNode

from graph.namespaces import ADMS, DCAT, FOAF, KIND, SCHEMA

# kind concept -> the classes a resource of that kind has besides dcat:Resource, in the order forms list them
KIND_CLASSES: dict[NamedNode, tuple[NamedNode, ...]] = {
    KIND.api: (DCAT.DataService,),
    KIND.dataset: (DCAT.Dataset,),
    KIND["source-code"]: (SCHEMA.SoftwareSourceCode, ADMS.Asset),
    KIND.ai: (ADMS.Asset,),
    KIND.documentation: (FOAF.Document,),
    KIND.catalogue: (DCAT.Catalog,),
}
SOFTWARE_KINDS = (KIND["source-code"], KIND.ai)  # published in the ADMS-AP software feed


def kind_key(kind: NamedNode) -> str:
    """The short name of a kind, as URLs and forms use it: 'api', 'dataset', 'source-code'..."""
    return kind.value.rsplit("/", 1)[-1]

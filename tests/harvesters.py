"""The harvesters our feed is meant for, run for real in the tests, on feeds served on 127.0.0.1:

- data.gouv.fr's udata: its DCAT harvest backend (``udata.harvest.backends.dcat``, run through
  ``udata.harvest.actions.run`` as data.gouv.fr runs a harvest source), in a udata app whose MongoDB is
  mongomock's, allowed to fetch local addresses (``URLS_ALLOW_LOCAL``);
- CKAN's ckanext-dcat: its RDF parser with the ``euro_dcat_ap_3`` profile, walking the pages by ``next_page``
  as its harvester does;
- Joinup's ADMS-AP validation rules (``fixtures/adms-ap``), each run as its own SPARQL query.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pyoxigraph

RULES = Path(__file__).parent / "fixtures" / "adms-ap" / "ADMS-AP Rules .txt"
FEED_GRAPH = "urn:ressourcerie:feed"


# --- udata ----------------------------------------------------------------------------------------------------


@dataclass
class UdataHarvest:
    status: str
    items: Counter[str]  # status of the job's items
    errors: list[str]  # the job's errors, and the items' errors
    datasets: list[Any]  # udata.models.Dataset
    dataservices: list[Any]  # udata.core.dataservices.models.Dataservice


_UDATA: Any = None


def udata_app() -> Any:
    """One udata app for the test run, on mongomock."""
    global _UDATA
    if _UDATA is None:
        import mongomock
        from udata import settings
        from udata.app import create_app, standalone

        class Testing(settings.Testing):  # type: ignore[misc]
            MONGODB_HOST = MONGODB_HOST_TEST = "mongodb://localhost:27017/udata"
            MONGODB_SETTINGS: ClassVar[dict[str, Any]] = {
                "host": MONGODB_HOST,
                "mongo_client_class": mongomock.MongoClient,
            }
            URLS_ALLOW_LOCAL = True  # the feed is served on 127.0.0.1
            HARVESTER_BACKENDS: ClassVar[list[str]] = ["dcat"]

        _UDATA = standalone(create_app(settings.Defaults, override=Testing))
    return _UDATA


def udata_harvest(url: str) -> UdataHarvest:
    """Harvest ``url`` as data.gouv.fr would (a DCAT harvest source of an organisation), in a fresh database."""
    app = udata_app()
    with app.app_context():
        from udata.core.dataservices.models import Dataservice
        from udata.core.organization.models import Organization
        from udata.harvest import actions
        from udata.harvest.models import HarvestSource
        from udata.models import Dataset

        for model in (Dataset, Dataservice, HarvestSource, Organization):
            model.drop_collection()
        org = Organization(name="Moissonneur", description="Organisation qui moissonne la Ressourcerie").save()
        source = HarvestSource(name="ressourcerie", url=url, backend="dcat", organization=org).save()
        actions.run(source)
        source.reload()
        job = source.get_last_job()
        errors = [e.message for e in job.errors] + [e.message for i in job.items for e in i.errors]
        return UdataHarvest(
            job.status,
            Counter(i.status for i in job.items),
            errors,
            list(Dataset.objects),
            list(Dataservice.objects),
        )


# --- ckanext-dcat -----------------------------------------------------------------------------------------------


@dataclass
class CkanHarvest:
    pages: list[str] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)


def ckan_harvest(url: str, fmt: str = "turtle") -> CkanHarvest:
    """Read the feed from ``url`` page by page with ckanext-dcat's RDF parser (DCAT-AP 3 profile)."""
    from ckanext.dcat.processors import RDFParser

    found = CkanHarvest()
    next_url: str | None = url
    while next_url and next_url not in found.pages:
        found.pages.append(next_url)
        answer = httpx.get(next_url, timeout=60)
        answer.raise_for_status()
        parser = RDFParser(profiles=["euro_dcat_ap_3"])
        parser.parse(answer.text, _format=fmt)
        found.datasets += list(parser.datasets())
        next_url = parser.next_page()
    return found


# --- the ADMS-AP rules ------------------------------------------------------------------------------------------


@dataclass
class RuleResults:
    run: int
    not_run: list[str]  # rule ids whose query does not parse as generated
    errors: list[tuple[str, str]]  # (rule id, message)


def adms_ap_rules() -> tuple[str, list[tuple[str, str]]]:
    """The rule set's prefixes and SELECT clause, and each rule (id, its sub-SELECT)."""
    text = RULES.read_text()
    head, body = text.split("WHERE{", 1)
    select_at = head.index("SELECT")
    header = head[:select_at] + head[select_at:].strip()
    rules = []
    for block in re.split(r"\n(?=# Rule_ID:)", body):
        m = re.match(r"# Rule_ID:(\d+)", block)
        if m is None:
            continue
        sub = re.sub(r"\s*UNION\s*$", "", block.split("\n", 1)[1].strip())
        sub = re.sub(r"\}\s*\}\s*\}\s*$", "}", sub)  # the last rule carries the end of the WHERE and of GRAPH
        rules.append((m.group(1), sub))
    return header, rules


def check_adms_ap(data: bytes, fmt: pyoxigraph.RdfFormat = pyoxigraph.RdfFormat.N_TRIPLES) -> RuleResults:
    """Run every rule on ``data`` loaded in the graph the rules read; the rules whose severity is error."""
    store = pyoxigraph.Store()
    store.load(data, format=fmt, to_graph=pyoxigraph.NamedNode(FEED_GRAPH))
    header, rules = adms_ap_rules()
    results = RuleResults(0, [], [])
    for rule_id, sub in rules:
        query = f"{header}\nWHERE {{ GRAPH <{FEED_GRAPH}> {{ {sub} }} }}"
        try:
            rows = list(store.query(query))  # type: ignore[arg-type]
        except SyntaxError:
            results.not_run.append(rule_id)
            continue
        results.run += 1
        for row in rows:
            severity, message = row["Rule_Severity"], row["Message"]
            if severity is not None and severity.value == "error":
                results.errors.append((rule_id, message.value if message is not None else ""))
    return results

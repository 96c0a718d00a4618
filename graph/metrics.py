"""What the service counts, for Prometheus (the official ``prometheus_client``), served at /metrics.

Declared once here, in the process's default registry; the modules that count import them. Labels stay few and
bounded: a route is its path template (``/resource/{slug}``...), never the path asked for.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families

REQUESTS = Counter(
    "ressourcerie_http_requests", "HTTP requests answered, by route, method and status", ["route", "method", "status"]
)
LATENCY = Histogram(
    "ressourcerie_http_request_seconds",
    "Time to answer an HTTP request (until the response starts), by route and method",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0),
)
QUEUE_WAIT = Histogram(
    "ressourcerie_query_queue_seconds",
    "Time a SPARQL query waited for a worker, by lane (public: /sparql; site: the named-query pages)",
    ["lane"],
    buckets=(0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0),
)
QUERY_REFUSED = Counter(
    "ressourcerie_queries_stopped",
    "SPARQL queries not answered: timeout (query_timeout), busy (queue_timeout), crash (ended its worker)",
    ["lane", "reason"],
)
WORKER_RESTARTS = Counter(
    "ressourcerie_query_worker_restarts",
    "Query worker processes ended and replaced: timeout, crash, demoted (turned long with no long slot), ...",
    ["lane", "reason"],
)
WRITES = Counter("ressourcerie_writes", "Writes committed to the store, by operation", ["operation"])
WRITES_REFUSED = Counter(
    "ressourcerie_writes_refused", "Writes refused by validation (nothing written), by operation", ["operation"]
)
HARVESTS = Counter("ressourcerie_harvest_runs", "Harvest runs through the service, by outcome", ["status"])
INDEX_LAG = Gauge(
    "ressourcerie_search_index_lag", "Committed writes whose records the search index has not indexed again yet"
)


def operation_label(operation: str) -> str:
    """A bounded label for a write's operation: its first word ('harvest datagouv' -> 'harvest')."""
    words = operation.split()
    return words[0].lower() if words else "write"


def merged(texts: dict[str, str]) -> bytes:
    """Several processes' Prometheus texts as one (``page_processes``): each family once, each sample labelled
    with its ``process``."""
    families: dict[str, Metric] = {}
    for process, text in texts.items():
        for family in text_string_to_metric_families(text):
            kept = families.setdefault(family.name, Metric(family.name, family.documentation, family.type, family.unit))
            kept.samples += [sample._replace(labels={**sample.labels, "process": process}) for sample in family.samples]

    class Merged:
        def collect(self) -> list[Metric]:
            return list(families.values())

    return generate_latest(Merged())

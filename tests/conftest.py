from __future__ import annotations

from pathlib import Path

import pytest

from graph.iris import Iris
from graph.paths import bundled
from graph.seed import load as load_seed
from graph.seed import ontology_triples
from graph.store import EmbeddedStore
from graph.validation import Validator
from graph.writer import Writer
from tests.stores import copy_of

BASE = "https://ressourcerie.fabrique.social.gouv.fr/"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def iris() -> Iris:
    return Iris(BASE)


@pytest.fixture(scope="session")
def validator() -> Validator:
    return Validator()


@pytest.fixture(scope="session")
def seeded(iris: Iris, validator: Validator) -> EmbeddedStore:
    """The seed store, in memory, shared by read-only tests."""
    store = EmbeddedStore()
    load_seed(Writer(store, validator, iris), bundled("data/seed"))
    return store


@pytest.fixture
def small(iris: Iris, validator: Validator) -> Writer:
    """A fresh in-memory store with the ontology and the small fixture graph."""
    from graph.rdf import parse_file

    store = EmbeddedStore()
    writer = Writer(store, validator, iris)
    writer.replace_graphs(
        {
            iris.ontology_graph: ontology_triples(),
            iris.graph("test"): [q.triple for q in parse_file(FIXTURES / "small.ttl")],
        }
    )
    return writer


# --- the service ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seeded_dir(
    tmp_path_factory: pytest.TempPathFactory, seeded: EmbeddedStore, iris: Iris, validator: Validator
) -> Path:
    """An on-disk copy of the seed store (the service's query workers need one on disk)."""
    path = tmp_path_factory.mktemp("seeded") / "store"
    store = EmbeddedStore(path)
    load_seed(Writer(store, validator, iris), bundled("data/seed"))
    store.close()
    return path


@pytest.fixture
def make_client(tmp_path: Path, seeded_dir: Path):
    """make_client(**settings) -> a TestClient on a fresh copy of the seed store (lifespan run, workers started)."""
    from fastapi.testclient import TestClient

    from graph.config import Settings
    from graph.web.app import create_app

    clients = []

    def make(**overrides: object) -> TestClient:
        copy = tmp_path / f"store{len(clients)}"
        source = EmbeddedStore(seeded_dir)
        source.backup(copy)
        source.close()
        # no outgoing requests from the tests: data.gouv.fr is asked only where a test points it at a local fake
        overrides.setdefault("feature_datagouv_search", False)
        overrides.setdefault("query_workers", 1)
        settings = Settings(store_path=str(copy), **overrides)  # type: ignore[arg-type]
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, seeded_dir: Path):
    """A read-only TestClient on the seed store, shared by a test module."""
    from fastapi.testclient import TestClient

    from graph.config import Settings
    from graph.web.app import create_app

    copy = tmp_path_factory.mktemp("ro") / "store"
    source = EmbeddedStore(seeded_dir)
    source.backup(copy)
    source.close()
    settings = Settings(store_path=str(copy), query_workers=1, feature_datagouv_search=False)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        yield c


# --- remote SPARQL servers (the store contract suite) ---------------------------------------------------------


def _servers():
    import importlib.util
    import sys

    if "servers" in sys.modules:
        return sys.modules["servers"]
    spec = importlib.util.spec_from_file_location("servers", Path(__file__).parent.parent / "scripts" / "servers.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["servers"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def start_server(kind: str, directory: Path):
    """Start Oxigraph server or Virtuoso on a free local port; a server that cannot start fails the test
    (Virtuoso missing is a skip outside CI only)."""
    import os
    import shutil

    servers = _servers()
    if kind == "virtuoso" and shutil.which("virtuoso-t") is None and not os.environ.get("CI"):
        pytest.skip("virtuoso-t is not installed (scripts/virtuoso.sh installs it; in CI this is a failure)")
    start = servers.start_oxigraph if kind == "oxigraph" else servers.start_virtuoso
    try:
        return start(directory)
    except servers.ServerError as e:
        pytest.fail(f"{kind} could not start: {e}")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    server = start_server("oxigraph", tmp_path_factory.mktemp("oxigraph"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory):
    server = start_server("virtuoso", tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ontology_only(iris: Iris, validator: Validator) -> Writer:
    """A store holding only the ontology: records are checked against it as a harvest write would be."""
    writer = Writer(EmbeddedStore(), validator, iris)
    writer.replace_graphs({iris.ontology_graph: ontology_triples()})
    return writer


# --- the browser tests: the real service and Chromium ------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, seeded_dir: Path):
    """The service running for real (`ressourcerie serve`) on a copy of the seed store, on 127.0.0.1."""
    from tests.browser import start_service

    yield from start_service(tmp_path_factory.mktemp("live"), seeded_dir)


SERVICE_TOKEN = "hardening-token"


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory, seeded_dir: Path):
    """The real service with writes on (bearer SERVICE_TOKEN), JSON logs and two /sparql workers, on 127.0.0.1:
    shared by the tests of SPARQL clients, fairness, backup and logs (tests/test_service.py)."""
    import hashlib

    from tests.browser import start_service

    yield from start_service(
        tmp_path_factory.mktemp("service"),
        seeded_dir,
        updates="true",
        update_token_sha256=hashlib.sha256(SERVICE_TOKEN.encode()).hexdigest(),
        log_format="json",
        query_workers="2",
        query_timeout="3",
    )


@pytest.fixture(scope="session")
def browser():
    from tests.browser import launch_browser

    pw, chromium = launch_browser()
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture
def page(browser):
    """A fresh browser tab (its own context: no cookies shared between tests), 1280x900, French."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    tab = context.new_page()
    yield tab
    context.close()


# --- harvesting ---------------------------------------------------------------------------------------------


@pytest.fixture
def feeds():
    """A real HTTP server on 127.0.0.1 serving harvest feeds (tests/feeds.py)."""
    from feeds import FeedServer

    server = FeedServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def served_seed(tmp_path_factory: pytest.TempPathFactory, seeded_dir: Path):
    """The service on a copy of the seed store, behind uvicorn on a free port of 127.0.0.1, shared by the tests
    that harvest its feed (ours, udata's, ckanext-dcat's): yields its base URL. The feed's paging links are minted
    under base_iri, the address harvesters reach the instance at; the records keep the IRIs they were loaded with."""
    import socket
    import threading
    import time

    import uvicorn

    from graph.config import Settings
    from graph.web.app import create_app

    copy = tmp_path_factory.mktemp("served") / "store"
    source = EmbeddedStore(seeded_dir)
    source.backup(copy)
    source.close()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(
        store_path=str(copy), query_workers=1, base_iri=f"http://127.0.0.1:{port}/", feature_datagouv_search=False
    )
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the service did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)


@pytest.fixture
def seeded_copy(tmp_path: Path, seeded_dir: Path, iris: Iris, validator: Validator) -> Writer:
    """A writable copy of the seed store on disk, with its writer."""
    store = EmbeddedStore(copy_of(seeded_dir, tmp_path / "store"))
    yield Writer(store, validator, iris)
    store.close()


# --- the community: a real OpenID provider and SMTP server, a service that signs in with them ---------------------

COMMUNITY_TOKEN = "moderators-community-token"


@pytest.fixture(scope="session")
def community_ports() -> dict[str, int]:
    """Ports chosen before the servers start: the provider must know the live service's callback."""
    from tests.browser import free_port

    return {"service": free_port()}


@pytest.fixture(scope="session")
def oidc_smtp(tmp_path_factory: pytest.TempPathFactory, community_ports: dict[str, int]):
    """(the OpenID provider, the SMTP server), for the whole session."""
    from tests.community import servers

    yield from servers(tmp_path_factory.mktemp("community"), community_ports)


@pytest.fixture
def community_client(make_client, oidc_smtp, iris: Iris):  # type: ignore[no-untyped-def]
    """community_client(**settings): a TestClient with accounts (the local provider), e-mail (the local SMTP
    server) and moderation on, its store holding the example organisation of tests/fixtures/community.ttl."""
    import hashlib

    from graph.rdf import parse_file

    provider, smtp = oidc_smtp

    def make(**overrides: object):  # type: ignore[no-untyped-def]
        settings = {
            **provider.settings(),
            **smtp.settings(),
            "moderation_token_sha256": hashlib.sha256(COMMUNITY_TOKEN.encode()).hexdigest(),
            **overrides,
        }
        client = make_client(**settings)
        triples = [q.triple for q in parse_file(FIXTURES / "community.ttl")]
        client.app.state.context.writer.add({iris.graph("test-community"): triples})
        client.smtp = smtp
        return client

    return make


@pytest.fixture(scope="session")
def community_server(tmp_path_factory, seeded_dir: Path, community_ports, oidc_smtp, iris: Iris, validator: Validator):  # type: ignore[no-untyped-def]
    """The service running for real with accounts (the local OpenID provider), e-mail (the local SMTP server) and
    moderation, on the port the provider knows, its store holding the example organisation."""
    from graph.rdf import parse_file
    from tests.browser import start_service

    provider, smtp = oidc_smtp
    port = community_ports["service"]
    prepared = tmp_path_factory.mktemp("community-seed") / "store"
    source = EmbeddedStore(seeded_dir)
    source.backup(prepared)
    source.close()
    store = EmbeddedStore(prepared)
    Writer(store, validator, iris).add(
        {iris.graph("test-community"): [q.triple for q in parse_file(FIXTURES / "community.ttl")]}
    )
    store.close()
    settings = {
        **provider.settings(f"http://127.0.0.1:{port}"),
        **smtp.settings(),
        "port": port,
        "rate_limit_posts": 200,
    }
    server = start_service(
        tmp_path_factory.mktemp("community-live"),
        prepared,
        **{k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in settings.items()},
    )
    live = next(server)
    live.smtp = smtp  # type: ignore[attr-defined]
    yield live
    server.close()

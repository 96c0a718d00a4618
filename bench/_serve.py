"""Servers the HTTP scenario starts as child processes, each on 127.0.0.1 and a port of its own.

    python -m bench._serve ours STORE_DIR PORT      # our service (create_app + uvicorn, one worker)
    python -m bench._serve rdflib FILE.nq PORT      # rdflib-endpoint on an rdflib Dataset of the file

``ressourcerie serve`` seeds a store that lacks the seed graphs; the benchmark store holds only the generated
graph and the ontology, so ours is started here with the same application and server, without that step.
"""

from __future__ import annotations

import sys

import uvicorn


def ours(store_dir: str, port: int) -> None:
    from graph.config import Settings
    from graph.web.app import create_app

    settings = Settings(store_path=store_dir, host="127.0.0.1", port=port)
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning")


def rdflib_endpoint(path: str, port: int) -> None:
    import rdflib
    from rdflib_endpoint import SparqlEndpoint

    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    app = SparqlEndpoint(graph=dataset, public_url=f"http://127.0.0.1:{port}/")
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    kind, where, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {"ours": ours, "rdflib": rdflib_endpoint}[kind](where, port)

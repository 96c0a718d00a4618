"""The ``ressourcerie`` command.

Exit codes: 0 done, 1 refused by validation, 2 bad input (file, format, query, parameter), 3 store failure,
4 a harvest source failed (nothing written from it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from graph import __version__
from graph.cli.app import App
from graph.cli.commands import (
    CATALOG_FORMATS,
    EXPORT_FORMATS,
    cmd_backup,
    cmd_catalog,
    cmd_curate,
    cmd_export,
    cmd_harvest,
    cmd_load,
    cmd_query,
    cmd_reindex,
    cmd_remove,
    cmd_search,
    cmd_seed,
    cmd_serve,
    cmd_stats,
    cmd_validate,
    needs_seed,
)
from graph.config import Settings
from graph.errors import RessourcerieError, StoreError, ValidationFailed
from graph.plugins import source_names

__all__ = ["App", "main", "needs_seed", "parser"]
CREATE_THE_STORE = {"serve", "seed", "load", "harvest"}  # the commands that may start a store where none is


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ressourcerie", description="Ressourcerie knowledge graph: build, load, validate, query, export."
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--config", help="TOML configuration file (also RESSOURCERIE_CONFIG)")
    p.add_argument("--store", dest="store_path", help="store directory, or :memory: (setting store_path)")
    p.add_argument("--base-iri", dest="base_iri", help="base IRI of minted IRIs (setting base_iri)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    s = sub.add_parser("serve", help="run the linked-data service (builds the seeded store on first run)")
    s.add_argument("--host", help="address to listen on (setting host)")
    s.add_argument("--port", type=int, help="port to listen on (setting port)")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("seed", help="build the store from the bundled seed content (replaces the seed graphs)")
    s.add_argument("--if-missing", action="store_true", help="do nothing if the store already holds the seed")
    s.set_defaults(func=cmd_seed)

    s = sub.add_parser("curate", help="reload the curation table (data/curation) into the curation graph")
    s.add_argument("table", nargs="?", help="a curation table (YAML file or folder); default: the project's")
    s.set_defaults(func=cmd_curate)

    s = sub.add_parser("load", help="load RDF files into a named graph, after SHACL validation")
    s.add_argument("files", nargs="+", metavar="FILE", help="Turtle, N-Triples, N-Quads, TriG, JSON-LD or RDF/XML")
    s.add_argument("--graph", default="contributions", help="named graph: a name under BASE/graph/ or a full IRI")
    s.add_argument("--replace", action="store_true", help="replace the graph's content instead of adding to it")
    s.add_argument(
        "--format", help="RDF format, when the file extension does not tell it (ttl, nt, nq, trig, jsonld, rdf)"
    )
    s.set_defaults(func=cmd_load)

    s = sub.add_parser("validate", help="check files (as if loaded) or the whole store against the shapes")
    s.add_argument("files", nargs="*", metavar="FILE")
    s.add_argument("--all", action="store_true", help="validate the whole store with every shape")
    s.add_argument("--graph", default="contributions", help="graph the files would go to")
    s.add_argument("--format", help="RDF format of the files")
    s.add_argument("--lang", default="en", choices=["en", "fr"], help="language of the messages")
    s.add_argument("--limit", type=int, default=50, help="results shown at most (default 50)")
    s.add_argument(
        "--dcat-ap", action="store_true", help="validate the whole DCAT-AP feed against the official DCAT-AP 3 shapes"
    )
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("catalog", help="write the DCAT-AP catalogue (one page, or every page with --all)")
    s.add_argument("--software", action="store_true", help="the ADMS-AP catalogue of software instead")
    s.add_argument("--page", type=int, help="page number (from 1)")
    s.add_argument("--page-size", type=int, default=100, help="records per page (default 100, at most 1000)")
    s.add_argument("--modified-since", help="only records modified since this date or date-time")
    s.add_argument("--all", action="store_true", help="every page, as one graph")
    s.add_argument("--format", "-f", choices=sorted(CATALOG_FORMATS), default="ttl")
    s.add_argument("--output", "-o", help="file to write (default: standard output)")
    s.set_defaults(func=cmd_catalog)

    s = sub.add_parser("query", help="run a named query (queries/*.rq); without a name, list them")
    s.add_argument("name", nargs="?", help="query name, e.g. usage-network")
    s.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE", help="bind a parameter")
    s.add_argument("--format", "-f", choices=["table", "csv", "json"], default="table")
    s.add_argument("--list", action="store_true", help="list the named queries and their parameters")
    s.set_defaults(func=cmd_query)

    s = sub.add_parser("export", help="write the store (or one graph) as RDF")
    s.add_argument("--format", "-f", choices=sorted(EXPORT_FORMATS), default="nq")
    s.add_argument("--graph", help="only this named graph")
    s.add_argument("--output", "-o", help="file to write (default: standard output)")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser("stats", help="triples per named graph and counts of records")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser(
        "backup", help="copy the on-disk store to a directory (a usable store); for a remote store, an N-Quads export"
    )
    s.add_argument("directory")
    s.set_defaults(func=cmd_backup)

    s = sub.add_parser(
        "harvest", help="harvest a DCAT catalogue or a source adapter's payloads into its own named graph"
    )
    s.add_argument(
        "source",
        nargs="*",
        metavar="SOURCE",
        help="catalogue URL or file (Turtle, RDF/XML, JSON-LD, N-Triples); with --adapter, the adapter's files or URLs",
    )
    s.add_argument(
        "--adapter",
        choices=[name for name in source_names() if name != "dcat"],
        help="read SOURCE with a source adapter: data.gouv.fr JSON, an api.gouv.fr checkout, code.gouv.fr "
        "repositories, the SILL, publiccode.yml files",
    )
    s.add_argument(
        "--accounts", metavar="FILE", help="code.gouv.fr accounts file (comptes-organismes-publics.yml): publishers"
    )
    s.add_argument("--all", action="store_true", help="harvest every source of the setting harvest_sources")
    s.add_argument("--name", help="name of the source (its graph is graph/harvest/NAME); default: from the URL")
    s.add_argument("--report", metavar="PATH", help="JSON report to write (default: var/harvest/NAME-TIMESTAMP.json)")
    s.set_defaults(func=cmd_harvest)
    s = sub.add_parser("search", help="full-text search of the records, ranked (the index is built if missing)")
    s.add_argument("query", help='words (all required), "a phrase", -excluded; empty: everything by title')
    s.add_argument("--kind", action="append", help="only this kind (api, dataset, guide, organisation...), repeatable")
    s.add_argument("--theme", action="append", help="only this theme (emploi, formation...), repeatable")
    s.add_argument("--producer", action="append", help="only this producer (organisation/dares...), repeatable")
    s.add_argument("--access", action="append", help="only this access: open, on-request, restricted")
    s.add_argument("--limit", "-n", type=int, default=20, help="results per page (default 20)")
    s.add_argument("--page", type=int, default=1, help="page of results (default 1)")
    s.add_argument("--format", "-f", choices=["table", "json"], default="table")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("reindex", help="build the full-text search index again from the store")
    s.add_argument("--if-stale", action="store_true", help="only if the store changed since the index was built")
    s.set_defaults(func=cmd_reindex)

    s = sub.add_parser("remove", help="remove a record (its IRI and its # nodes), if what remains stays valid")
    s.add_argument("iri")
    s.add_argument("--graph", help="only from this named graph")
    s.set_defaults(func=cmd_remove)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.load(args.config, store_path=args.store_path, base_iri=args.base_iri)
    except RessourcerieError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    app = App(settings, may_create=args.command in CREATE_THE_STORE)
    try:
        return int(args.func(app, args))
    except ValidationFailed as e:
        print(f"error: {e.message}", file=sys.stderr)
        print(e.report.text("en", limit=50 if not getattr(args, "limit", None) else args.limit), file=sys.stderr)
        return 1
    except StoreError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 3
    except BrokenPipeError:  # output cut short by the reader (| head): not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except RessourcerieError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as e:  # the store's own failures met while reading it (RocksDB corruption...)
        print(f"error: the store at {settings.store_path} failed: {e}", file=sys.stderr)
        return 3
    finally:
        app.close()

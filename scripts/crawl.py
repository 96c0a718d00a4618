"""Crawl every page and route of a served store and record what each answered, to compare two versions.

    python scripts/crawl.py STORE OUT.json [--root-path /prefix] [--limit N]
    python scripts/crawl.py --compare BEFORE.json AFTER.json

The service runs in process (an httpx client on the ASGI app) on a copy of STORE. The crawl starts from every
route of the routing table (with sample parameters), each record page in every format, the JSON and CSV twins,
and follows every link of every HTML page within the site. For each URL and Accept header it keeps the status,
the headers that matter and a SHA-256 of the body, with the parts that change from run to run masked (CSRF
tokens, timings, snapshot dates). ``--compare`` lists what differs: a refactoring should show no difference
except where a bug was fixed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ACCEPTS = {
    "html": "text/html",
    "json": "application/json",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "any": "*/*",
}
KEPT_HEADERS = ("content-type", "location", "link", "vary", "allow", "content-disposition", "ressourcerie-truncated")
MASKS = [
    (re.compile(rb'name="csrf" value="[^"]+"'), b'name="csrf" value="*"'),
    (re.compile(rb'"(millis|took_ms)":\s*[0-9.]+'), b'"took_ms": 0'),
    (re.compile(rb"_:[0-9a-zA-Z]+"), b"_:b"),
    (re.compile(rb'nodeID="[^"]+"'), b'nodeID="b"'),
    (re.compile(rb"[0-9.]+ ms\b"), b"0 ms"),
    (re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?"), b"DATETIME"),
]
HREF = re.compile(r'(?:href|src|action)="([^"#]*)(?:#[^"]*)?"')
SEEDS = [
    "/",
    "/search",
    "/search?q=emploi",
    "/search?q=siret&kind=api",
    "/search.json?q=entreprise",
    "/search.csv?q=entreprise",
    "/search?q=",
    "/search?q=%22offres%20d%27emploi%22",
    "/themes",
    "/network",
    "/network.json",
    "/network.svg",
    "/network.csv",
    "/queries",
    "/governance",
    "/contribute",
    "/contribute/resource",
    "/contribute/usage",
    "/moderation",
    "/catalog",
    "/catalog.ttl",
    "/catalog.jsonld",
    "/catalog.rdf",
    "/catalog?page_size=50&page=2",
    "/catalog/software",
    "/catalog/context.jsonld",
    "/.well-known/void",
    "/.well-known/void.ttl",
    "/sparql",
    "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
    "/sparql?query=ASK%20%7B%7D",
    "/sparql?query=CONSTRUCT%20%7B%3Fs%20%3Fp%20%3Fo%7D%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%2020",
    "/sparql?query=SELEKT",
    "/store?graph=https://ressourcerie.fabrique.social.gouv.fr/graph/seed/ressourcerie",
    "/store?default",
    "/docs",
    "/openapi.json",
    "/nothing-here",
    "/resource/no-such-thing",
    "/api/contributions/zzzzzzzzzz",
]


def mask(body: bytes) -> bytes:
    for pattern, replacement in MASKS:
        body = pattern.sub(replacement, body)
    return body


def crawl(store: Path, root_path: str, limit: int, keep: Path | None = None) -> dict[str, dict[str, object]]:
    from fastapi.testclient import TestClient

    from graph.config import Settings
    from graph.web.app import create_app

    work = Path(tempfile.mkdtemp(prefix="crawl-"))
    copy = work / "store"
    shutil.copytree(store, copy)
    settings = Settings(
        store_path=str(copy),
        search_index_path=str(work / "search.sqlite"),
        submissions_path=str(work / "submissions"),
        query_workers=1,
        feature_datagouv_search=False,
    )
    seen: dict[str, dict[str, object]] = {}
    todo: deque[tuple[str, str]] = deque()
    queued: set[tuple[str, str]] = set()

    def queue(url: str, accept: str) -> None:
        if (url, accept) not in queued:
            queued.add((url, accept))
            todo.append((url, accept))

    with TestClient(create_app(settings), root_path=root_path, raise_server_exceptions=False) as client:
        records = client.get(
            root_path + "/sparql",
            params={"query": "SELECT DISTINCT ?s WHERE { ?s a ?t FILTER(isIRI(?s) && !CONTAINS(STR(?s), '#')) }"},
            headers={"Accept": "text/csv"},
        ).text.splitlines()[1:]
        base = settings.base_iri
        for iri in sorted(records):
            if iri.startswith(base) and not iri.startswith(base + "graph/"):
                path = "/" + iri[len(base) :]
                for accept in ("html", "ttl", "jsonld"):
                    queue(path, accept)
        for seed in SEEDS:
            for accept in ("html", "json", "any"):
                queue(seed, accept)
        while todo and len(seen) < limit:
            url, accept = todo.popleft()
            r = client.get(root_path + url, headers={"Accept": ACCEPTS[accept]}, follow_redirects=False)
            body = mask(r.content)
            if keep is not None:
                (keep / hashlib.sha256(f"{accept} {url}".encode()).hexdigest()[:16]).write_bytes(body)
            headers = {k: mask(v.encode()).decode() for k, v in r.headers.items() if k in KEPT_HEADERS}
            seen[f"{accept} {url}"] = {
                "status": r.status_code,
                "headers": headers,
                "sha256": hashlib.sha256(body).hexdigest(),
                "size": len(body),
            }
            if "html" in r.headers.get("content-type", ""):
                for link in HREF.findall(r.text):
                    target = urljoin("http://testserver" + root_path + url, link.replace("&amp;", "&"))
                    parts = urlsplit(target)
                    if parts.netloc != "testserver" or not parts.path.startswith(root_path + "/"):
                        continue
                    local = parts.path[len(root_path) :] + (f"?{parts.query}" if parts.query else "")
                    if local.startswith(("/assets/", "/static/")):
                        queue(local, "any")
                    else:
                        queue(local, "html")
    shutil.rmtree(work, ignore_errors=True)
    return seen


def compare(before: dict[str, dict[str, object]], after: dict[str, dict[str, object]]) -> int:
    differ = [k for k in sorted(before.keys() & after.keys()) if before[k] != after[k]]
    only_before = sorted(before.keys() - after.keys())
    only_after = sorted(after.keys() - before.keys())
    for k in differ:
        b, a = before[k], after[k]
        what = [f for f in ("status", "headers", "sha256") if b[f] != a[f]]
        print(f"differs ({', '.join(what)}): {k}")
        if "headers" in what:
            print(f"    before {b['headers']}\n    after  {a['headers']}")
        if "status" in what:
            print(f"    status {b['status']} -> {a['status']}")
    for k in only_before:
        print(f"only before: {k}")
    for k in only_after:
        print(f"only after: {k}")
    same = len(before.keys() & after.keys()) - len(differ)
    print(f"{same} identical, {len(differ)} differ, {len(only_before)} only before, {len(only_after)} only after")
    return 1 if differ or only_before or only_after else 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs=2, metavar="PATH")
    p.add_argument("--compare", action="store_true", help="compare two crawl files")
    p.add_argument("--root-path", default="", help="serve under this prefix (ASGI root_path)")
    p.add_argument("--limit", type=int, default=20_000, help="most requests")
    p.add_argument(
        "--bodies", type=Path, help="also keep each (masked) body in this folder, named by a hash of the request"
    )
    args = p.parse_args()
    if args.compare:
        before, after = (json.loads(Path(x).read_text()) for x in args.paths)
        return compare(before, after)
    if args.bodies:
        args.bodies.mkdir(parents=True, exist_ok=True)
    result = crawl(Path(args.paths[0]), args.root_path, args.limit, args.bodies)
    Path(args.paths[1]).write_text(json.dumps(result, indent=1, sort_keys=True))
    statuses: dict[int, int] = {}
    for v in result.values():
        statuses[int(v["status"])] = statuses.get(int(v["status"]), 0) + 1  # type: ignore[call-overload]
    print(f"{len(result)} requests: " + ", ".join(f"{n} x {s}" for s, n in sorted(statuses.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A real HTTP server on 127.0.0.1 (a free port, in a thread) serving the harvest test feeds.

Routes are added per test: a body (or a fixture file, whose page addresses are rewritten to the server's),
a status or a sequence of statuses (one per request, the last repeated), a Content-Type, a delay.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).parent / "fixtures" / "harvest"
# page addresses written in the fixture files, rewritten to the server's (under the route's mount point)
ORIGINS = (b"http://127.0.0.1:8765/", b"http://data.test.org/catalog.jsonld")
TYPES = {
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".xml": "application/rdf+xml",
    ".nt": "application/n-triples",
}


@dataclass
class Route:
    body: bytes
    statuses: list[int]
    content_type: str | None
    delay: float


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int | list[int] = 200,
        content_type: str | None = "text/turtle",
        delay: float = 0.0,
    ) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = Route(data, status if isinstance(status, list) else [status], content_type, delay)
        return self.url(path)

    def add_file(self, path: str, fixture: str, mount: str = "", **options: object) -> str:
        """Serve ``fixtures/harvest/<fixture>`` at ``path``, its page addresses moved under ``mount``."""
        data = (FEEDS / fixture).read_bytes()
        data = data.replace(ORIGINS[0], f"{self.base}{mount}/".encode())
        data = data.replace(ORIGINS[1], f"{self.base}{mount}/catalog.jsonld".encode())
        options.setdefault("content_type", TYPES.get(Path(fixture).suffix))
        return self.add(path, data, **options)  # type: ignore[arg-type]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(feeds: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route = feeds.routes.get(self.path)
            feeds.hits[self.path] += 1
            if route is None:
                self.send_error(404)
                return
            status = route.statuses[min(feeds.hits[self.path], len(route.statuses)) - 1]
            if route.delay:
                time.sleep(route.delay)
            try:
                self.send_response(status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                body = route.body if status < 400 else b"server error"
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler

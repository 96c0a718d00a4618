"""Who gets a query worker next: the fair use of the workers, without processes (``graph.store.pool`` runs them).

A lane is a set of workers and the queries waiting for them. The pool has two: the named-query pages' (the
site's own queries, bounded by design) and /sparql's, so that no /sparql traffic can delay the site's pages.
In /sparql's lane:

- a client (an IP address) has at most ``client_queries`` queries running; its others wait;
- a query that has run ``short_query_seconds`` is *long*; long queries hold at most ``size - 1`` workers, so one
  worker is always free or busy with a query younger than that. A query that becomes long while the long slots
  are taken is stopped and waits, marked long, for one to free (its first half second is lost);
- among the waiting queries whose client may run one, the next is that of the client with the fewest queries
  running, then the least worker time used lately (seconds, halved every ``HALF_LIFE``), then a query not known
  to be long, then the one that has waited longest. A client that has just arrived (no time used) goes before
  those already flooding the lane, and among equals, and within one client, queries run in the order they came:
  none waits behind a stream of newer ones (taking the newest first held some queries for seconds under load).

A query whose text shows it heavy (``heavy``: two or more triple patterns of three variables, a cartesian product
of the store) is long from the start: it waits for a long slot and never takes the worker kept for short queries.

So a client sending many slow queries holds one worker, and a short query from anyone else waits at most for
the query on the free worker to prove itself long (``short_query_seconds``) and for that worker to be replaced.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from graph._sparqltext import open_patterns

W = TypeVar("W")
HALF_LIFE = 60.0  # seconds over which a client's recent use of the workers halves


def heavy(query: str) -> bool:
    """Whether a query is known to be long before it runs (see the module's text)."""
    return open_patterns(query) >= 2


@dataclass(eq=False)
class Ticket:
    """One query's place in a lane."""

    client: str
    arrived: float = field(default_factory=time.monotonic)
    long: bool = False  # has run past short_query_seconds once
    future: asyncio.Future[object] | None = None
    started: float = 0.0


@dataclass
class _Use:
    seconds: float = 0.0
    at: float = 0.0

    def now(self, t: float) -> float:
        return self.seconds * math.pow(0.5, (t - self.at) / HALF_LIFE)


class Lane(Generic[W]):
    """The workers of one lane, which of them are free, and the queries waiting for one."""

    def __init__(
        self,
        name: str,
        size: int,
        *,
        client_queries: int | None = None,
        short_seconds: float | None = None,
    ) -> None:
        self.name = name
        self.size = size
        self.client_queries = client_queries
        self.short_seconds = short_seconds
        self.long_slots = max(1, size - 1)  # one worker kept for short queries (when there are two or more)
        self.idle: list[W] = []
        self.waiting: list[Ticket] = []
        self.running: dict[Ticket, W] = {}
        self._use: dict[str, _Use] = {}

    # --- the workers ------------------------------------------------------------------------------------------

    def add(self, worker: W) -> None:
        """A worker ready for a query (started, or back from one)."""
        self.idle.append(worker)
        self._dispatch()

    async def acquire(self, ticket: Ticket, timeout: float) -> W:
        """Wait for a worker for this ticket, at most ``timeout`` seconds (``TimeoutError``)."""
        loop = asyncio.get_running_loop()
        ticket.future = loop.create_future()
        self.waiting.append(ticket)
        self._dispatch()
        try:
            worker = await asyncio.wait_for(asyncio.shield(ticket.future), timeout)
        except (TimeoutError, asyncio.CancelledError):
            if ticket in self.waiting:
                self.waiting.remove(ticket)
            elif ticket.future.done() and not ticket.future.cancelled():  # given a worker just as time ran out
                self.release(ticket, ticket.future.result())  # type: ignore[arg-type]
            raise
        return worker  # type: ignore[return-value]

    def release(self, ticket: Ticket, worker: W | None) -> None:
        """The ticket's query is over; its worker is free again (None: it was ended, a new one is coming)."""
        self.running.pop(ticket, None)
        self._charge(ticket)
        if worker is not None:
            self.idle.append(worker)
        self._dispatch()

    def requeue(self, ticket: Ticket, long: bool = True) -> None:
        """A query stopped when it became long with no long slot free: it waits again (``acquire``), for a long
        slot. (``long=False``: stopped for another reason, it waits as it was.)"""
        self.running.pop(ticket, None)
        self._charge(ticket)
        ticket.long = long

    def promote(self, ticket: Ticket) -> bool:
        """The ticket's query has run ``short_seconds``: it may go on as a long query if a long slot is free."""
        if self.long_running() >= self.long_slots:
            return False
        ticket.long = True
        return True

    def long_running(self) -> int:
        return sum(1 for t in self.running if t.long)

    # --- choosing -----------------------------------------------------------------------------------------------

    def _charge(self, ticket: Ticket) -> None:
        if not ticket.started:
            return
        t = time.monotonic()
        use = self._use.setdefault(ticket.client, _Use())
        use.seconds, use.at = use.now(t) + (t - ticket.started), t
        ticket.started = 0.0
        if len(self._use) > 10_000:  # forget the clients whose use has faded
            self._use = {c: u for c, u in self._use.items() if u.now(t) > 0.01}

    def _running_of(self, client: str) -> int:
        return sum(1 for t in self.running if t.client == client)

    def _eligible(self, ticket: Ticket, long_running: int) -> bool:
        if self.client_queries is not None and self._running_of(ticket.client) >= self.client_queries:
            return False
        return not (ticket.long and long_running >= self.long_slots)

    def next_ticket(self) -> Ticket | None:
        """The waiting ticket that gets the next free worker (None: none may run now)."""
        if not self.waiting:
            return None
        if self.client_queries is None and self.short_seconds is None:  # the site's lane: first come, first served
            return self.waiting[0]
        t = time.monotonic()
        long_running = self.long_running()
        candidates = [k for k in self.waiting if self._eligible(k, long_running)]
        if not candidates:
            return None

        def key(k: Ticket) -> tuple[int, float, bool, float]:
            use = self._use.get(k.client)
            return (self._running_of(k.client), use.now(t) if use else 0.0, k.long, k.arrived)

        return min(candidates, key=key)

    def _dispatch(self) -> None:
        while self.idle:
            ticket = self.next_ticket()
            if ticket is None:
                return
            self.waiting.remove(ticket)
            assert ticket.future is not None
            if ticket.future.done():  # its waiter gave up
                continue
            worker = self.idle.pop()
            ticket.started = time.monotonic()
            self.running[ticket] = worker
            ticket.future.set_result(worker)

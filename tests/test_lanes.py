"""Who gets a query worker next (graph/store/lanes.py), with workers named by numbers: no processes here."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest

from graph.store.lanes import Lane, Ticket, heavy


def run(coro):  # type: ignore[no-untyped-def]
    """The scenario on a loop of its own thread: a browser test's sync Playwright may hold this thread's loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def public(size: int = 2, client_queries: int = 1) -> Lane[int]:
    lane: Lane[int] = Lane("public", size, client_queries=client_queries, short_seconds=0.5)
    for w in range(size):
        lane.add(w)
    return lane


def test_a_client_holds_at_most_client_queries_workers() -> None:
    async def scenario() -> None:
        lane = public()
        flood = [Ticket("10.0.0.1") for _ in range(5)]
        first = await lane.acquire(flood[0], 1)
        waiting = [asyncio.ensure_future(lane.acquire(t, 5)) for t in flood[1:]]
        other = await lane.acquire(Ticket("10.0.0.2"), 0.1)  # the second worker, kept from the flood
        assert {first, other} == {0, 1}
        assert not any(w.done() for w in waiting)
        for w in waiting:
            w.cancel()

    run(scenario())


def test_a_newcomer_goes_before_clients_already_waiting() -> None:
    async def scenario() -> None:
        lane = public(size=1, client_queries=1)
        for n in range(20):  # the flood's clients have each run a query of 10 ms lately
            ran = Ticket(f"flood-{n}")
            await lane.acquire(ran, 1)
            ran.started -= 0.01
            lane.release(ran, 0)
        busy = Ticket("a")
        await lane.acquire(busy, 1)
        floods = [asyncio.ensure_future(lane.acquire(Ticket(f"flood-{n}"), 5)) for n in range(20)]
        await asyncio.sleep(0)
        ask = asyncio.ensure_future(lane.acquire(Ticket("newcomer"), 5))
        await asyncio.sleep(0)
        lane.release(busy, 0)
        assert await asyncio.wait_for(ask, 1) == 0
        assert not any(f.done() for f in floods)
        for f in floods:
            f.cancel()

    run(scenario())


def test_queries_of_equal_clients_run_in_the_order_they_came() -> None:
    """One address sending many queries at once (clients behind a proxy), or many new addresses: while a worker is
    busy, newer queries keep coming, and the oldest waiting one runs next each time: none waits behind them."""

    async def scenario() -> None:
        for client_of in (lambda n: "127.0.0.1", lambda n: f"10.0.{n // 250}.{n % 250}"):
            lane = public(size=1, client_queries=100)
            current = Ticket(client_of(0))
            await lane.acquire(current, 1)
            waiting: list[tuple[Ticket, asyncio.Future[int]]] = []
            for n in range(1, 40):
                ticket = Ticket(client_of(n))
                waiting.append((ticket, asyncio.ensure_future(lane.acquire(ticket, 5))))
                await asyncio.sleep(0)
                if n % 4:  # four arrive while each query runs
                    continue
                lane.release(current, 0)
                await asyncio.sleep(0)
                served = [i for i, (t, _) in enumerate(waiting) if t in lane.running]
                assert served == [0], f"after {n} arrivals the worker went to waiting query {served}, not the oldest"
                current, _ = waiting.pop(0)
            for _, f in waiting:
                f.cancel()

    run(scenario())


def test_long_queries_leave_one_worker_for_short_ones() -> None:
    async def scenario() -> None:
        lane = public(size=2, client_queries=4)
        one, two = Ticket("a"), Ticket("b")
        await lane.acquire(one, 1)
        await lane.acquire(two, 1)
        assert lane.promote(one) is True  # the first long query takes the long slot
        assert lane.promote(two) is False  # the second would take the last worker: it is stopped
        lane.requeue(two)
        assert two.long
        again = asyncio.ensure_future(lane.acquire(two, 5))
        lane.add(1)  # its worker, replaced
        short = await lane.acquire(Ticket("c"), 1)
        assert short == 1 and not again.done()  # the long one waits for the long slot, the short one runs
        lane.release(one, 0)
        assert await asyncio.wait_for(again, 1) == 0

    run(scenario())


def test_heavy_users_yield_to_light_ones() -> None:
    async def scenario() -> None:
        lane = public(size=1, client_queries=1)
        heavy = Ticket("heavy")
        await lane.acquire(heavy, 1)
        heavy.started -= 30  # it has used the worker for 30 s
        lane.release(heavy, 0)
        blocker = Ticket("blocker")
        await lane.acquire(blocker, 1)
        light = asyncio.ensure_future(lane.acquire(Ticket("light"), 5))
        await asyncio.sleep(0.01)
        later_heavy = asyncio.ensure_future(lane.acquire(Ticket("heavy"), 5))  # newer, but heavier
        await asyncio.sleep(0)
        lane.release(blocker, 0)
        assert await asyncio.wait_for(light, 1) == 0 and not later_heavy.done()
        later_heavy.cancel()

    run(scenario())


def test_waiting_past_the_timeout_gives_up_the_place() -> None:
    async def scenario() -> None:
        lane = public(size=1)
        await lane.acquire(Ticket("a"), 1)
        late = Ticket("b")
        with pytest.raises(TimeoutError):
            await lane.acquire(late, 0.05)
        assert late not in lane.waiting

    run(scenario())


def test_the_site_lane_serves_in_order() -> None:
    async def scenario() -> None:
        lane: Lane[int] = Lane("site", 1)
        lane.add(0)
        first = Ticket("x")
        await lane.acquire(first, 1)
        second = asyncio.ensure_future(lane.acquire(Ticket("x"), 5))
        await asyncio.sleep(0)
        third = asyncio.ensure_future(lane.acquire(Ticket("y"), 5))
        await asyncio.sleep(0)
        lane.release(first, 0)
        assert await asyncio.wait_for(second, 1) == 0 and not third.done()
        third.cancel()

    run(scenario())


def test_heavy_queries_from_many_clients_never_take_the_short_worker() -> None:
    """20 cartesian queries from 20 addresses: known heavy from their text, they wait for the long slot; a short
    query from a client that has used the workers before still gets the worker kept for short ones at once."""
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    assert heavy(cartesian) and not heavy("ASK {}") and not heavy("SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    assert not heavy("SELECT ?a ?b ?c WHERE { ?a <p> ?b . ?b ?c 'x' } GROUP BY ?a ?b ?c")

    async def scenario() -> None:
        lane = public()
        regular = Ticket("10.0.0.99")
        await lane.acquire(regular, 1)
        regular.started -= 30  # it has used a worker for 30 s lately
        lane.release(regular, 0)
        flood = [Ticket(f"10.0.1.{n}", long=heavy(cartesian)) for n in range(20)]
        waiting = [asyncio.ensure_future(lane.acquire(t, 5)) for t in flood]
        await asyncio.sleep(0.05)
        assert sum(w.done() for w in waiting) == 1  # one long slot of two workers
        ask = await lane.acquire(Ticket("10.0.0.99", long=heavy("ASK {}")), 0.1)
        assert ask in (0, 1)
        for w in waiting:
            w.cancel()

    run(scenario())

"""`enrich clay-sim` bills like Clay: every row it accepts into a table is paid for.

The simulator runs in-process and calls back a tiny receiver that records each callback,
so a test can compare what was billed with what came back.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from pyworker.clay import simulator as clay_sim
from pyworker.servers import BackgroundServer


class Callbacks:
    """A callback receiver that records the company_id of every callback it gets."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.app = Starlette(routes=[Route("/callbacks", self.callback, methods=["POST"])])

    async def callback(self, request: Request) -> JSONResponse:
        self.ids.append((await request.json())["company_id"])
        return JSONResponse({"status": "completed"})


@dataclass
class Sim:
    url: str
    settings: clay_sim.SimSettings  # the running app reads it: a test may change it
    callbacks: Callbacks
    callback_url: str
    http: httpx.Client

    def post(self, webhook: str, company_id: str) -> int:
        row = {
            "company_id": company_id,
            "company_domain": f"{company_id}.example",
            "callback_url": self.callback_url,
        }
        return self.http.post(f"{self.url}/webhooks/{webhook}", json=row).status_code

    def settled_stats(self) -> dict:
        """GET /stats once no callback is pending (all sent or given up)."""
        deadline = time.monotonic() + 10
        while True:
            stats = self.http.get(f"{self.url}/stats").json()
            if stats["callbacks_pending"] == 0:
                return stats
            assert time.monotonic() < deadline, f"callbacks still pending: {stats}"
            time.sleep(0.02)


@contextmanager
def running_sim(**overrides: object) -> Iterator[Sim]:
    settings = clay_sim.SimSettings(
        rate_per_second=100_000, burst=100_000, delay_min=0, delay_max=0.01, seed=7
    )
    for key, value in overrides.items():
        assert hasattr(settings, key), key
        setattr(settings, key, value)
    callbacks = Callbacks()
    with (
        BackgroundServer(callbacks.app) as receiver,
        BackgroundServer(clay_sim.create_app(settings)) as sim,
        httpx.Client(timeout=10) as http,
    ):
        yield Sim(sim.url, settings, callbacks, f"{receiver.url}/callbacks", http)


def test_every_accepted_row_is_billed_and_called_back() -> None:
    with running_sim() as sim:
        codes = [sim.post("a", f"c{n}") for n in range(4)]
        codes += [sim.post("b", "c0"), sim.post("b", "c9")]  # c0 a second time: paid again
        stats = sim.settled_stats()
    assert codes == [200] * 6
    assert stats["accepted"] == stats["billed"] == 6
    assert stats["billed_per_webhook"] == {"a": 4, "b": 2}
    assert stats["billed_per_entity"] == {"c0": 2, "c1": 1, "c2": 1, "c3": 1, "c9": 1}
    assert stats["billed_per_entity"] == stats["per_entity"]
    assert stats["rows_over_table_cap"] == stats["callbacks_withheld"] == 0
    assert stats["callbacks_sent"] == 6
    assert Counter(sim.callbacks.ids) == Counter(stats["billed_per_entity"])


def test_no_callback_rate_bills_rows_that_are_never_called_back() -> None:
    with running_sim(no_callback_rate=1.0) as sim:
        codes = [sim.post("a", f"c{n}") for n in range(5)]
        stats = sim.settled_stats()  # none pending: none scheduled to come later either
    assert codes == [200] * 5
    assert stats["billed"] == stats["accepted"] == 5
    assert stats["callbacks_withheld"] == 5
    assert stats["callbacks_sent"] == stats["callbacks_dropped"] == 0
    assert sim.callbacks.ids == []


def test_rows_past_the_table_cap_get_200_but_no_charge_and_no_callback() -> None:
    with running_sim(table_cap=3) as sim:
        codes = [sim.post("a", f"a{n}") for n in range(5)]
        codes += [sim.post("b", f"b{n}") for n in range(2)]
        stats = sim.settled_stats()
    assert codes == [200] * 7  # Clay does not say the table is full
    assert stats["billed"] == 5
    assert stats["billed_per_webhook"] == {"a": 3, "b": 2}
    assert set(stats["billed_per_entity"]) == {"a0", "a1", "a2", "b0", "b1"}
    assert stats["rows_over_table_cap"] == 2
    # still submissions, towards the webhook's lifetime cap
    assert stats["accepted"] == 7 and stats["per_webhook"] == {"a": 5, "b": 2}
    assert sorted(sim.callbacks.ids) == ["a0", "a1", "a2", "b0", "b1"]


def test_rate_limited_rows_are_not_billed_nor_submissions() -> None:
    # one token, refilled once in 1000 s: the first row goes in, the next ones get 429
    with running_sim(rate_per_second=0.001, burst=1, table_cap=2, max_submissions=2) as sim:
        codes = [sim.post("a", f"c{n}") for n in range(5)]
        limited = sim.settled_stats()
        sim.settings.rate_per_second = 100_000  # the limit lifts: a token at once
        time.sleep(0.01)
        codes.append(sim.post("a", "c5"))  # billed: the 429s took no place in the table
        codes.append(sim.post("a", "c6"))  # 403: two submissions, the 429s not among them
        stats = sim.settled_stats()
    assert codes == [200, 429, 429, 429, 429, 200, 403]
    assert limited["rejected"] == {"rate_limited": 4}
    assert limited["billed"] == limited["accepted"] == 1
    assert limited["billed_per_entity"] == {"c0": 1}
    assert stats["billed"] == stats["accepted"] == 2
    assert stats["billed_per_entity"] == {"c0": 1, "c5": 1}
    assert stats["per_webhook"] == stats["billed_per_webhook"] == {"a": 2}
    assert stats["rows_over_table_cap"] == 0
    assert sorted(sim.callbacks.ids) == ["c0", "c5"]


def test_refused_rows_are_not_billed_nor_submissions() -> None:
    with running_sim(fail_rate=1.0, auth_token="tok", table_cap=1, max_submissions=1) as sim:
        sim.http.headers["x-clay-webhook-auth"] = "tok"
        codes = [sim.post("a", f"c{n}") for n in range(3)]  # 500
        url = f"{sim.url}/webhooks/a"
        wrong_token = {"x-clay-webhook-auth": "no"}
        codes.append(sim.http.post(url, json={"company_id": "x"}, headers=wrong_token).status_code)
        codes.append(sim.http.post(url, json={"company_id": "x", "pad": "x" * 200_000}).status_code)
        sim.settings.fail_rate = 0.0
        codes.append(sim.http.post(url, content=b"{not json").status_code)
        codes.append(sim.http.post(url, json=["one", "row", "per", "object"]).status_code)
        refused = sim.settled_stats()
        codes.append(sim.post("a", "c3"))  # the refusals took no submission and no table row
        stats = sim.settled_stats()
    assert codes == [500, 500, 500, 401, 413, 400, 400, 200]
    assert refused["rejected"] == {
        "server_error": 3,
        "unauthorized": 1,
        "too_large": 1,
        "malformed": 2,
    }
    assert refused["billed"] == refused["accepted"] == 0
    assert refused["billed_per_entity"] == refused["per_webhook"] == {}
    assert stats["billed"] == 1 and stats["billed_per_entity"] == {"c3": 1}
    assert stats["rows_over_table_cap"] == 0
    assert sim.callbacks.ids == ["c3"]


def test_faults_combine_and_billing_still_adds_up() -> None:
    rows = {"a": 60, "b": 20}
    with running_sim(
        fail_rate=0.2, drop_rate=0.2, duplicate_rate=0.3, no_callback_rate=0.2, table_cap=30
    ) as sim:
        codes = Counter(
            sim.post(hook, f"{hook}{n}") for hook, count in rows.items() for n in range(count)
        )
        stats = sim.settled_stats()
    # every fault happened at least once
    assert codes[500] > 0 and stats["rows_over_table_cap"] > 0
    assert stats["callbacks_withheld"] > 0 and stats["callbacks_dropped"] > 0
    assert len(sim.callbacks.ids) > len(set(sim.callbacks.ids))  # some came twice
    assert set(codes) == {200, 500}
    assert stats["accepted"] == codes[200] and stats["rejected"] == {"server_error": codes[500]}
    # a table holds its cap, and past it nothing is billed
    accepted = stats["per_webhook"]
    assert stats["billed_per_webhook"] == {h: min(n, 30) for h, n in accepted.items()}
    assert stats["billed"] == sum(stats["billed_per_webhook"].values())
    assert stats["billed"] + stats["rows_over_table_cap"] == stats["accepted"]
    assert set(stats["billed_per_entity"].values()) == {1}
    # every billed row was called back unless withheld or dropped; only billed rows were
    called_back = set(sim.callbacks.ids)
    assert called_back <= set(stats["billed_per_entity"])
    assert len(called_back) == (
        stats["billed"] - stats["callbacks_withheld"] - stats["callbacks_dropped"]
    )
    assert stats["callbacks_sent"] == len(sim.callbacks.ids)
    assert stats["callbacks_failed"] == 0

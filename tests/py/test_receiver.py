"""The callback receiver: every reply code of the contract, and bad requests change nothing."""

from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal
from urllib.parse import quote

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from pyworker import receiver
from pyworker.db import AsyncDb
from pyworker.receiver import Recorder
from pyworker.servers import BackgroundServer
from pyworker.testing.stack import COMPANY, SECRET

AUTH = {"authorization": f"Bearer {SECRET}"}


@pytest.fixture
def served(db_url: str):
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.create_batch('company', %s)",
            (Jsonb([{"email": "a@acme.com"}, {"email": "b@acme.com"}]),),
        )
        company_id = str(conn.execute("select id from enrich.normalized_companies").fetchone()[0])
    with BackgroundServer(receiver.create_app(db_url, SECRET)) as server:
        yield server.url, company_id


def snapshot(db_url: str) -> tuple:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "select (select count(*) from enrich.company_enrichment_results),"
            " (select count(*) from enrich.callback_log),"
            " (select string_agg(status, ',' order by id) from enrich.workflow_states)"
        ).fetchone()


def test_completed_then_duplicate(served, db_url: str) -> None:
    url, company_id = served
    first = httpx.post(
        f"{url}/callbacks/{COMPANY}", json={"company_id": company_id, "x": 1}, headers=AUTH
    )
    assert (first.status_code, first.json()) == (200, {"status": "completed"})
    again = httpx.post(f"{url}/callbacks/{COMPANY}", json={"company_id": company_id}, headers=AUTH)
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    with psycopg.connect(db_url) as conn:
        assert (
            conn.execute(
                "select count(*) from enrich.batch_items where status = 'COMPLETED'"
            ).fetchone()[0]
            == 2
        )


@pytest.mark.parametrize(
    ("path", "headers", "body", "code"),
    [
        (COMPANY, {}, b'{"company_id": "%s"}', 401),
        (COMPANY, {"authorization": "Bearer wrong"}, b'{"company_id": "%s"}', 401),
        (COMPANY, {"authorization": SECRET}, b'{"company_id": "%s"}', 401),
        (COMPANY, AUTH, b"{not json", 400),
        (COMPANY, AUTH, b"[1, 2]", 400),
        (COMPANY, AUTH, b"\xff\xfe{}", 400),
        (COMPANY, AUTH, b'{"company_id": 12}', 400),
        (COMPANY, AUTH, b'{"company_id": "x\'; drop table y; --"}', 400),
        (COMPANY, AUTH, b'{"company_id": "%s", "bad": "\\u0000"}', 400),
        (COMPANY, AUTH, b'{"nothing": true}', 400),
        ("no_such_workflow", AUTH, b'{"company_id": "%s"}', 404),
        ("enrich_company%00", AUTH, b'{"company_id": "%s"}', 404),  # not "database down"
        ("a%0Ab", AUTH, b'{"company_id": "%s"}', 404),
        ("Enrich-Company", AUTH, b'{"company_id": "%s"}', 404),
        (COMPANY, AUTH, b'{"company_id": "00000000-0000-0000-0000-000000000000"}', 404),
        (COMPANY, AUTH, b'{"company_id": "%s", "pad": "' + b"x" * (1024 * 1024) + b'"}', 413),
    ],
)
def test_bad_requests_get_their_code_and_change_nothing(
    served, db_url: str, path: str, headers: dict, body: bytes, code: int
) -> None:
    url, company_id = served
    before = snapshot(db_url)
    content = body.replace(b"%s", company_id.encode()) if b"%s" in body else body
    response = httpx.post(
        f"{url}/callbacks/{path}",
        content=content,
        headers={"content-type": "application/json", **headers},
    )
    assert response.status_code == code, response.text
    assert "error" in response.json()
    assert snapshot(db_url) == before


def test_healthz_and_metrics(served) -> None:
    url, company_id = served
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    httpx.post(f"{url}/callbacks/{COMPANY}", json={"company_id": company_id}, headers=AUTH)
    httpx.post(f"{url}/callbacks/{COMPANY}", json={"company_id": company_id})
    metrics = httpx.get(f"{url}/metrics").text
    assert 'enrich_callbacks_total{outcome="completed"} 1.0' in metrics
    assert 'enrich_callbacks_total{outcome="unauthorized"} 1.0' in metrics
    assert "enrich_callback_seconds_count" in metrics


def test_secrets_never_reach_logs_replies_or_metrics(served, capsys) -> None:
    url, company_id = served
    guessed = {"authorization": "Bearer guessed-token-1234"}
    endpoint = f"{url}/callbacks/{COMPANY}"
    replies = [
        httpx.post(endpoint, json={"company_id": company_id}, headers=AUTH),
        httpx.post(endpoint, json={"company_id": company_id}, headers=guessed),
        httpx.post(endpoint, content=b"{not json", headers=AUTH),
        httpx.post(
            endpoint, json={"company_id": "00000000-0000-0000-0000-000000000000"}, headers=AUTH
        ),
        httpx.post(
            f"{url}/callbacks/no_such_workflow", json={"company_id": company_id}, headers=AUTH
        ),
    ]
    assert [r.status_code for r in replies] == [200, 401, 400, 404, 404]
    seen = "".join(r.text for r in replies) + httpx.get(f"{url}/metrics").text
    captured = capsys.readouterr()
    seen += captured.out + captured.err
    assert SECRET not in seen
    assert "guessed-token-1234" not in seen


def test_callbacks_waiting_together_are_recorded_together(db_url: str) -> None:
    """The receiver records queued callbacks in one call; each still gets its own outcome,
    and one bad payload (refused by PostgreSQL for the whole call) fails alone."""
    rows = [{"email": f"{who}@co{i}.com"} for i in range(12) for who in "ab"]
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute("select enrich.create_batch('company', %s)", (Jsonb(rows),))
        ids = [
            str(row[0])
            for row in conn.execute("select id from enrich.normalized_companies order by domain")
        ]
    unknown = "00000000-0000-0000-0000-000000000000"

    async def record_together(payloads: list[dict]) -> list:
        db = AsyncDb(db_url, max_size=2)
        await db.open()
        recorder = receiver.Recorder(db)
        waiting = [asyncio.create_task(recorder.record(COMPANY, p)) for p in payloads]
        await asyncio.sleep(0)  # every callback is queued before a recorder starts
        recorder.start()
        try:
            return await asyncio.gather(*waiting, return_exceptions=True)
        finally:
            await recorder.stop()
            await db.close()

    first = asyncio.run(
        record_together(
            [{"company_id": i, "n": 0} for i in ids]
            + [{"company_id": unknown}, {"nothing": True}]
            + [{"company_id": i, "n": 1} for i in ids]
        )
    )
    assert first[:12] == [("completed", None, None)] * 12
    assert [result[:2] for result in first[12:14]] == [(None, "EN002"), (None, "EN003")]
    assert first[14:] == [("duplicate", None, None)] * 12

    second = asyncio.run(
        record_together([{"company_id": ids[1]}, {"company_id": ids[0], "bad": "\u0000"}])
    )
    assert second[0] == ("duplicate", None, None)
    assert isinstance(second[1], psycopg.Error) and second[1].sqlstate.startswith("22")

    with psycopg.connect(db_url) as conn:
        assert conn.execute(
            "select (select count(*) from enrich.company_enrichment_results),"
            " (select count(*) filter (where data ->> 'n' = '0')"
            "    from enrich.company_enrichment_results),"
            " (select count(*) from enrich.callback_log),"
            " (select count(*) from enrich.batch_items where status = 'COMPLETED'),"
            " (select status from enrich.batches)"
        ).fetchone() == (12, 12, 25, 24, "COMPLETED")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)
hostile_bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.text(max_size=12), json_values, max_size=4).map(
        lambda fields: json.dumps({**fields, "company_id": fields.get("id")}).encode()
    ),
    st.uuids().map(lambda some_id: json.dumps({"company_id": str(some_id)}).encode()),
)


# The content type is not trusted either way: the body decides (a JSON object, or 400).
content_types = st.sampled_from(
    [None, "application/json", "application/json; charset=latin-1", "text/plain",
     "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "image/png"]
)  # fmt: skip


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(slug=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20))
@example(slug="\x00")
@example(slug=COMPANY + "\x00")
@example(slug="0/")
def test_any_malformed_slug_is_404_never_503(served, db_url: str, slug: str) -> None:
    """Control characters, NUL, other scripts: a slug that cannot be a workflow is 404, so
    Clay does not retry it forever (503 is for a database that is really gone)."""
    url, company_id = served
    before = snapshot(db_url)
    reply = httpx.post(
        f"{url}/callbacks/{quote(slug, safe='')}",
        content=json.dumps({"company_id": company_id}).encode(),
        headers=AUTH,
    )
    assert reply.status_code in (404, 405) if slug in ("..", ".") else reply.status_code == 404
    assert snapshot(db_url) == before


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=hostile_bodies, content_type=content_types)
@example(body=b"[" * 100_000 + b"]" * 100_000, content_type="application/json")
@example(body=b'{"company_id": "' + "é".encode() * 5000 + b'"}', content_type="application/json")
@example(body=b"company_id=1&x=2", content_type="application/x-www-form-urlencoded")
def test_hostile_bodies_get_400_or_404_and_change_nothing(
    served, db_url: str, body: bytes, content_type: str | None
) -> None:
    url, _ = served
    before = snapshot(db_url)
    reply = httpx.post(
        f"{url}/callbacks/{COMPANY}",
        content=body,
        headers={**AUTH, **({"content-type": content_type} if content_type else {})},
    )
    assert reply.status_code in (400, 404), (reply.status_code, reply.text)
    assert "error" in reply.json()
    assert snapshot(db_url) == before


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/octet-stream"])
def test_a_json_object_is_a_callback_whatever_its_content_type(
    served, content_type: str | None
) -> None:
    """Clay's HTTP API column sends whatever headers the user configured: the body decides."""
    url, company_id = served
    reply = httpx.post(
        f"{url}/callbacks/{COMPANY}",
        content=json.dumps({"company_id": company_id}).encode(),
        headers={**AUTH, **({"content-type": content_type} if content_type else {})},
    )
    assert reply.json() == {"status": "completed"}


def test_json_nesting_is_limited_before_anything_is_recorded(served, db_url: str) -> None:
    url, company_id = served

    def nested(levels: int) -> dict:
        value: object = "leaf"
        for _ in range(levels - 1):
            value = {"deeper": value}
        return {"company_id": company_id, "result": value}

    before = snapshot(db_url)
    too_deep = httpx.post(
        f"{url}/callbacks/{COMPANY}", json=nested(receiver.MAX_JSON_DEPTH + 1), headers=AUTH
    )
    assert too_deep.status_code == 400
    assert too_deep.json() == {"error": f"JSON nested deeper than {receiver.MAX_JSON_DEPTH} levels"}
    assert snapshot(db_url) == before
    deepest = httpx.post(
        f"{url}/callbacks/{COMPANY}", json=nested(receiver.MAX_JSON_DEPTH), headers=AUTH
    )
    assert deepest.json() == {"status": "completed"}


def test_a_previous_secret_is_accepted_while_rotating(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.create_batch('company', %s)", (Jsonb([{"email": "a@acme.com"}]),)
        )
        company_id = str(conn.execute("select id from enrich.normalized_companies").fetchone()[0])
    app = receiver.create_app(db_url, "new-secret", previous_secret="old-secret")
    with BackgroundServer(app) as server:

        def post(secret: str) -> int:
            return httpx.post(
                f"{server.url}/callbacks/{COMPANY}",
                json={"company_id": company_id},
                headers={"authorization": f"Bearer {secret}"},
            ).status_code

        assert post("wrong") == 401
        assert post("old-secret") == 200
        assert post("new-secret") == 200  # duplicate, still authenticated
        assert post("new-secretX") == 401


@pytest.fixture(scope="module")
def module_receiver(module_db_url: str):
    with BackgroundServer(receiver.create_app(module_db_url, SECRET)) as server:
        yield server.url


fresh_company = iter(range(10**9))


@settings(max_examples=25, deadline=None)
@given(
    extra=st.dictionaries(st.text(max_size=12), json_values, max_size=4).filter(
        lambda fields: "\\u0000" not in json.dumps(fields)  # NUL: refused, tested above
    ),
    copies=st.integers(min_value=2, max_value=8),
    by_item=st.booleans(),
)
def test_concurrent_copies_of_one_callback_record_one_result(
    module_db_url: str, module_receiver: str, extra: dict, copies: int, by_item: bool
) -> None:
    """The same callback sent `copies` times at once (Clay retrying, or duplicating) through
    the receiver, which may record several of them in one group: one copy completes the
    entity, the others are duplicates; one result row holding the payload; every copy logged."""
    domain = f"duplicated-callback-{next(fresh_company)}.com"
    with psycopg.connect(module_db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.create_batch('company', %s)",
            (Jsonb([{"email": f"{n}@{domain}"} for n in range(3)]),),
        )
        company_id, item_id = conn.execute(
            "select i.company_id, i.id from enrich.batch_items i"
            " where i.company_key = %s order by i.row_number limit 1",
            (domain,),
        ).fetchone()
    payload = {k: v for k, v in extra.items() if k not in ("company_id", "person_id", "item_id")}
    result = dict(payload)  # stored without the correlation ids
    if by_item:
        payload["item_id"] = str(item_id)
    else:
        payload["company_id"] = str(company_id)
    body = json.dumps(payload).encode()

    async def send_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=module_receiver, headers=AUTH) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        f"/callbacks/{COMPANY}",
                        content=body,
                        headers={"content-type": "application/json"},
                    )
                    for _ in range(copies)
                )
            )

    replies = asyncio.run(send_all())
    assert sorted(r.json()["status"] for r in replies) == ["completed"] + ["duplicate"] * (
        copies - 1
    ), [r.text for r in replies]
    with psycopg.connect(module_db_url) as conn:
        results, stored, logged, finished = conn.execute(
            "select (select count(*) from enrich.company_enrichment_results r"
            "         where r.company_id = %(c)s),"
            " (select r.data::text from enrich.company_enrichment_results r"
            "   where r.company_id = %(c)s limit 1),"
            " (select count(*) from enrich.callback_log where entity_id = %(c)s),"
            " (select count(*) from enrich.batch_items where company_id = %(c)s"
            "   and status = 'COMPLETED')",
            {"c": company_id},
        ).fetchone()
    assert (results, logged, finished) == (1, copies, 3)
    # as JSON numbers (jsonb keeps the decimal digits sent, not a binary float)
    exact = {"parse_float": Decimal, "parse_int": Decimal}
    assert json.loads(stored, **exact) == json.loads(json.dumps(result), **exact)


def test_an_unreachable_database_fails_a_group_once_not_once_per_callback() -> None:
    """With PostgreSQL unreachable, a group's call fails, then the first callback retried
    alone fails the same way: the rest get the error at once (503 for their callers, who
    retry) instead of each waiting out the pool timeout in turn."""

    async def record_six() -> tuple[list, float]:
        db = AsyncDb("postgresql://enrich@127.0.0.1:9/unreachable?connect_timeout=1")
        db.pool.timeout = 0.5  # seconds a caller waits for a connection
        await db.open()
        recorder = Recorder(db)
        recorder.start()
        started = time.monotonic()
        outcomes = await asyncio.gather(
            *(recorder.record(COMPANY, {"company_id": str(n)}) for n in range(6)),
            return_exceptions=True,
        )
        elapsed = time.monotonic() - started
        await recorder.stop()
        await db.close()
        return outcomes, elapsed

    outcomes, elapsed = asyncio.run(record_six())
    assert all(isinstance(outcome, psycopg.OperationalError) for outcome in outcomes)
    # the group's call and one retry: two waits of 0.5 s (seven before), with room for a
    # slow machine
    assert elapsed < 2.5, elapsed


def test_a_client_that_stops_sending_its_body_gets_408_and_frees_its_slot(db_url: str) -> None:
    """A slow (or stalled) client cannot hold a request forever: its body must arrive within
    the body time limit; others are served meanwhile and nothing is recorded for it."""
    import socket
    from urllib.parse import urlsplit

    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "select enrich.create_batch('company', %s)", (Jsonb([{"email": "a@acme.com"}]),)
        )
        company_id = str(conn.execute("select id from enrich.normalized_companies").fetchone()[0])
    with BackgroundServer(receiver.create_app(db_url, SECRET, body_seconds=1.0)) as server:
        address = urlsplit(server.url)
        before = snapshot(db_url)
        with socket.create_connection((address.hostname, address.port), timeout=10) as slow:
            slow.sendall(
                f"POST /callbacks/{COMPANY} HTTP/1.1\r\nhost: x\r\n"
                f"authorization: Bearer {SECRET}\r\ncontent-type: application/json\r\n"
                'content-length: 100\r\n\r\n{"company_id": '.encode()
            )  # ... and nothing more
            started = time.monotonic()
            ok = httpx.post(  # meanwhile another caller is served
                f"{server.url}/callbacks/{COMPANY}", json={"company_id": company_id}, headers=AUTH
            )
            assert ok.status_code == 200
            reply = slow.recv(4096).decode()
            waited = time.monotonic() - started
        assert reply.startswith("HTTP/1.1 408"), reply
        assert waited < 5  # the limit (1 s here), not forever
        assert snapshot(db_url)[0] == before[0] + 1  # only the other caller's result

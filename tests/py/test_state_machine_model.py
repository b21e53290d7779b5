"""Model-based test (hypothesis stateful) of the state machine, on the real database.

Random interleavings of: overlapping batches, claims, POST outcomes (2xx, 429, 500, 4xx),
callbacks (on time, duplicate, late, never), leases and callback deadlines running out, the
reaper, retry and refresh. After every step the invariants hold; at the end, delivering
every callback finishes every batch.
"""

from __future__ import annotations

import psycopg
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from psycopg.types.json import Jsonb

from pyworker.builtins import WORKFLOWS

WORKER = "model"
PEOPLE = ("ann", "bob", "cy")
DOMAINS = ("alpha.com", "beta.io", "gamma.de")
rows = st.lists(
    st.tuples(st.sampled_from(PEOPLE), st.sampled_from(DOMAINS)).map(
        lambda pair: {"email": f"{pair[0]}@{pair[1]}", "first_name": pair[0]}
    ),
    min_size=1,
    max_size=4,
)

VIOLATIONS = {
    "broken promise (enrich doctor)": "select invariant || ': ' || detail"
    " from enrich.check_invariants()",
    "an item COMPLETED before its entity's data exists": """
        select ws.item_id::text from enrich.workflow_states ws
        where ws.status = 'COMPLETED' and ws.entity_id is not null
          and not exists (select from enrich.company_enrichment_results r
                          where r.company_id = ws.entity_id and r.workflow_slug = ws.step_name)
          and not exists (select from enrich.person_enrichment_results r
                          where r.person_id = ws.entity_id and r.workflow_slug = ws.step_name)""",
    "an entity FAILED before its attempts ran out (and not by a permanent error)": """
        select s.company_id::text from enrich.company_workflow_states s
        join enrich.workflows w on w.slug = s.workflow_slug
        where s.status = 'FAILED' and s.attempts < w.max_attempts
          and s.last_error is distinct from 'HTTP 400'
          and coalesce(s.last_error, '') !~ '^no_callback:'
        union all
        select s.person_id::text from enrich.person_workflow_states s
        join enrich.workflows w on w.slug = s.workflow_slug
        where s.status = 'FAILED' and s.attempts < w.max_attempts
          and s.last_error is distinct from 'HTTP 400'
          and coalesce(s.last_error, '') !~ '^no_callback:'""",
    "a webhook's submissions disagree with the paid calls booked to it": """
        select h.id::text from enrich.workflow_webhooks h
        where h.submissions <> (select coalesce(sum(p.calls), 0) from enrich.paid_calls p
                                 where p.webhook_id = h.id)""",
    "an entity paid for again without a deliberate retry, refresh or paid re-send": """
        select s.company_id::text from enrich.company_workflow_states s
        where s.paid_calls > 1 and s.status <> 'IN_PROGRESS'
          and not exists (select from enrich.paid_calls p
                          where p.workflow_slug = s.workflow_slug and p.cause <> 'batch'
                            and p.calls > 0)""",
    "an IN_PROGRESS entity with more than one dispatch": """
        select entity_id::text from enrich.dispatches
        group by workflow_slug, entity_id having count(*) > 1""",
    "an item of a COMPLETED entity left behind": """
        select ws.item_id::text from enrich.workflow_states ws
        join enrich.company_workflow_states s
          on s.company_id = ws.entity_id and s.workflow_slug = ws.step_name
        where s.status = 'COMPLETED' and ws.status in ('PENDING', 'IN_PROGRESS', 'WAITING')""",
}


class EnrichModel(RuleBasedStateMachine):
    url: str = ""

    @initialize()
    def empty_database(self) -> None:
        self.conn = psycopg.connect(self.url, autocommit=True)
        self.conn.execute(
            "truncate enrich.batches, enrich.batch_items, enrich.workflow_states,"
            " enrich.normalized_companies, enrich.normalized_people, enrich.dispatches,"
            " enrich.callback_log, enrich.paid_calls, enrich.batch_counts,"
            " enrich.company_identifiers, enrich.person_identifiers, enrich.company_names,"
            " enrich.entity_merges, enrich.entity_redirects cascade"
        )
        self.conn.execute("update enrich.workflow_webhooks set submissions = 0")
        self.leased: list[int] = []
        self.sent: list[tuple[str, str, str]] = []  # (workflow, entity type, entity id)

    def teardown(self) -> None:
        if hasattr(self, "conn"):
            self.conn.close()

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        cursor = self.conn.execute(query, params)
        return cursor.fetchall() if cursor.description is not None else []

    # -- what happens ------------------------------------------------------------------
    @rule(batch=rows, pipeline=st.sampled_from(["company", "company_and_person"]))
    def create_batch(self, batch: list[dict], pipeline: str) -> None:
        self.sql("select enrich.create_batch(%s, %s)", (pipeline, Jsonb(batch)))

    @rule(limit=st.integers(1, 5))
    def claim(self, limit: int) -> None:
        claimed = self.sql(
            "select dispatch_id from enrich.claim_dispatches(%s, %s)", (WORKER, limit)
        )
        self.leased += [dispatch_id for (dispatch_id,) in claimed]

    @precondition(lambda self: self.leased)
    @rule(pick=st.integers(0, 100), outcome=st.sampled_from(["2xx", "429", "500", "400"]))
    def post_outcome(self, pick: int, outcome: str) -> None:
        dispatch_id = self.leased.pop(pick % len(self.leased))
        entity = self.sql(
            "select workflow_slug, entity_type, entity_id::text from enrich.dispatches"
            " where id = %s",
            (dispatch_id,),
        )
        if outcome == "2xx":
            if self.sql("select enrich.mark_dispatch_sent(%s, %s)", (dispatch_id, WORKER))[0][0]:
                self.sent += entity
        elif outcome == "400":
            self.sql("select enrich.fail_dispatch(%s, %s, 'HTTP 400')", (dispatch_id, WORKER))
        else:  # a 429 gives its attempt back; a 500 spends it
            self.sql(
                "select enrich.retry_dispatch(%s, %s, interval '0', %s, %s)",
                (dispatch_id, WORKER, f"HTTP {outcome}", outcome == "500"),
            )

    @precondition(lambda self: self.sent)
    @rule(pick=st.integers(0, 100), duplicate=st.booleans())
    def callback(self, pick: int, duplicate: bool) -> None:
        """On time (or late: after a timeout or a failure), once or again."""
        entity = (
            self.sent[pick % len(self.sent)] if duplicate else self.sent.pop(pick % len(self.sent))
        )
        workflow, entity_type, entity_id = entity
        payload = {f"{entity_type}_id": entity_id, "industry": "tools"}
        self.sql("select enrich.receive_result(%s, %s)", (workflow, Jsonb(payload)))

    @rule()
    def time_passes(self) -> None:
        """Leases and callback deadlines run out (as if workers died or Clay never answered)."""
        self.sql(
            "update enrich.dispatches set leased_until = now() - interval '5 seconds'"
            " where status = 'LEASED'"
        )
        self.sql(
            "update enrich.dispatches set callback_deadline = now() - interval '5 seconds'"
            " where status = 'SENT'"
        )

    @rule()
    def reaper(self) -> None:
        self.sql("select * from enrich.reap_dispatches()")
        live = {
            dispatch_id
            for (dispatch_id,) in self.sql(
                "select id from enrich.dispatches where status = 'LEASED'"
            )
        }
        self.leased = [dispatch_id for dispatch_id in self.leased if dispatch_id in live]

    @rule()
    def retry_failures(self) -> None:
        self.sql("select enrich.retry_failed()")

    @rule(workflow=st.sampled_from(list(WORKFLOWS)))
    def refresh(self, workflow: str) -> None:
        self.sql("select enrich.refresh_entities(%s, interval '0')", (workflow,))

    # -- what must always hold ----------------------------------------------------------
    @invariant()
    def promises_hold(self) -> None:
        if not hasattr(self, "conn"):
            return
        for promise, query in VIOLATIONS.items():
            assert self.sql(query) == [], promise

    def finish_everything(self) -> None:
        """Deliver every callback until no work is left: every batch must complete."""
        for _ in range(20):
            self.time_passes()
            self.reaper()
            claimed = self.sql(
                "select dispatch_id from enrich.claim_dispatches(%s, 1000)", (WORKER,)
            )
            for (dispatch_id,) in claimed:
                self.sql("select enrich.mark_dispatch_sent(%s, %s)", (dispatch_id, WORKER))
            for workflow, entity_type, entity_id in self.sql(
                "select workflow_slug, entity_type, entity_id::text from enrich.dispatches"
                " where status = 'SENT'"
            ):
                payload = {f"{entity_type}_id": entity_id}
                self.sql("select enrich.receive_result(%s, %s)", (workflow, Jsonb(payload)))
            if not self.sql("select id from enrich.batches where status <> 'COMPLETED'"):
                break
        unfinished = self.sql(
            "select i.row_number, ws.step_name, ws.status, ws.meta::text"
            " from enrich.batch_items i join enrich.workflow_states ws on ws.item_id = i.id"
            " where i.finished_at is null order by 1, ws.created_at"
        )
        assert unfinished == [], (unfinished, self.sql("select * from enrich.dispatches"))
        assert self.sql("select id from enrich.batches where status <> 'COMPLETED'") == []
        self.promises_hold()


def test_invariants_hold_under_any_interleaving(module_db_url: str) -> None:
    class Finishing(EnrichModel):
        url = module_db_url

        def teardown(self) -> None:
            if hasattr(self, "conn"):
                try:
                    self.finish_everything()
                finally:
                    self.conn.close()

    run_state_machine_as_test(
        Finishing,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )

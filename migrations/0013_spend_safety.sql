-- Spend safety. Clay bills every row it accepts, whether or not its callback comes, so a
-- call is tracked as money: a claim reserves one paid call (and one webhook submission),
-- an outcome where Clay did not take the row gives both back, and every other outcome is
-- paid. Paid calls are kept in a ledger (per UTC day, workspace, workflow, webhook, batch
-- and cause) that budgets are checked against inside the claim; Clay's rate limit and
-- credits are per workspace, so the token bucket moves to a workspace. A workflow makes no
-- paid re-send unless told to (resends, default 0).
-- depends: 0012_loading_batch_parts

create table enrich.workspaces (
  name               text primary key,
  rate_per_second    numeric not null default 10,
  burst              integer not null default 20,
  rate_tokens        numeric not null default 20,
  rate_refilled_at   timestamptz not null default now(),
  daily_credits      numeric,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint name_is_identifier check (name ~ '^[a-z][a-z0-9_-]*$'),
  constraint rate_is_positive check (rate_per_second > 0),
  constraint burst_is_positive check (burst >= 1),
  constraint daily_credits_not_negative check (daily_credits is null or daily_credits >= 0)
);
comment on table enrich.workspaces is
  'A Clay workspace: its rate limit (token bucket shared by all its workflows and every '
  'worker) and its daily credit budget (NULL = unlimited).';
comment on column enrich.workspaces.rate_tokens is
  'Tokens left at rate_refilled_at (capped at burst); claims take one per dispatch.';

insert into enrich.workspaces (name, rate_per_second, burst, rate_tokens)
select 'default', coalesce(max(w.rate_per_second), 10), coalesce(max(w.burst), 20),
       coalesce(max(w.burst), 20)
from enrich.workflows w;

alter table enrich.workflows
  add column workspace text not null default 'default' references enrich.workspaces (name),
  add column resends integer not null default 0,
  add column daily_budget integer,
  add column paused_at timestamptz,
  add constraint resends_not_negative check (resends >= 0),
  add constraint daily_budget_not_negative check (daily_budget is null or daily_budget >= 0);
comment on column enrich.workflows.workspace is
  'The Clay workspace whose rate limit and credits this workflow''s calls use.';
comment on column enrich.workflows.rate_per_second is
  'An optional cap for this workflow inside its workspace''s rate limit.';
comment on column enrich.workflows.resends is
  'Paid re-sends an entity may get when no callback came by the deadline (default 0: it '
  'FAILS with no_callback instead; a late callback still completes it).';
comment on column enrich.workflows.daily_budget is
  'Paid calls per UTC day, all workers together; NULL = unlimited. When spent, dispatches '
  'wait (they never fail) until the next UTC day or a higher budget.';
comment on column enrich.workflows.paused_at is
  'Set while paused: nothing is claimed; in-flight POSTs finish and callbacks are received.';

alter table enrich.workflow_webhooks add column auth_token text;
comment on column enrich.workflow_webhooks.auth_token is
  'Sent as x-clay-webhook-auth to this webhook (overrides CLAY_WEBHOOK_AUTH_TOKEN). Never '
  'shown by describe_workflow.';
comment on column enrich.workflow_webhooks.submissions is
  'Rows reserved for this webhook and not given back (a 429 or other refusal gives its '
  'reservation back): Clay''s lifetime count. Full at max_submissions.';
comment on column enrich.workflow_webhooks.retired_at is
  'Set when the URL is dropped from the workflow''s list. A full webhook is not retired: '
  'it is skipped while submissions >= max_submissions.';

alter table enrich.dispatches
  add column paid_calls integer not null default 0,
  add column reserved_on date,
  add column reserved_workspace text,
  add column batch_id uuid,
  add column cause text not null default 'batch',
  add constraint paid_calls_not_negative check (paid_calls >= 0),
  add constraint reservation_only_while_leased check (reserved_on is null or status = 'LEASED'),
  add constraint reservation_is_whole check ((reserved_on is null) = (reserved_workspace is null)),
  add constraint cause_is_valid check (cause in ('batch', 'retry', 'refresh', 'resend', 'manual'));
comment on column enrich.dispatches.paid_calls is
  'Calls of this dispatch Clay accepted or may have accepted (a lease reserves one); moved '
  'to the entity''s paid_calls when the entity settles.';
comment on column enrich.dispatches.reserved_on is
  'UTC day of the paid call the current lease reserved (in enrich.paid_calls); NULL once '
  'the call is known paid or given back.';
comment on column enrich.dispatches.reserved_workspace is
  'The workspace whose ledger row holds that reservation (a workflow may move meanwhile).';
comment on column enrich.dispatches.batch_id is
  'The batch its calls are booked to: the batch of the item that claimed the entity (set at '
  'the first claim), or the batch a retry named; NULL for commands (refresh, retry of all).';
comment on column enrich.dispatches.cause is
  'Why the calls are made: batch (an item needed the entity), retry (`enrich retry`), '
  'refresh (`enrich refresh`), resend (a paid re-send after no callback), manual.';
comment on column enrich.dispatches.status is
  'QUEUED (due at available_at) -> LEASED (a worker holds it and one reserved paid call '
  'until leased_until) -> SENT (Clay accepted or may have: waiting for the callback until '
  'callback_deadline) | QUEUED (Clay did not take it: the reservation is given back). SENT '
  '-> QUEUED only as a paid re-send (workflows.resends).';

-- Dispatches already sent were paid once; leased ones hold a reservation made today, as a
-- claim now makes (their webhook submission was counted when they were claimed).
update enrich.dispatches set paid_calls = 1 where status = 'SENT';
update enrich.dispatches
   set paid_calls = 1, reserved_on = (now() at time zone 'UTC')::date,
       reserved_workspace = 'default'
 where status = 'LEASED';

alter table enrich.company_workflow_states add column paid_calls integer not null default 0;
alter table enrich.person_workflow_states add column paid_calls integer not null default 0;
comment on column enrich.company_workflow_states.paid_calls is
  'Clay calls paid (or possibly paid) for this company in this workflow, ever (since the '
  'ledger exists); in-flight calls are on its dispatch until it settles.';
comment on column enrich.person_workflow_states.paid_calls is
  'Clay calls paid (or possibly paid) for this person in this workflow, ever (since the '
  'ledger exists); in-flight calls are on its dispatch until it settles.';

create table enrich.paid_calls (
  day                date not null,
  workspace          text not null,
  workflow_slug      text not null,
  webhook_id         bigint,
  batch_id           uuid,
  cause              text not null,
  calls              integer not null default 0,
  constraint calls_not_negative check (calls >= 0),
  constraint paid_calls_key unique nulls not distinct
    (day, workflow_slug, webhook_id, batch_id, cause, workspace)
);
comment on table enrich.paid_calls is
  'The paid-call ledger: calls Clay accepted or may have accepted, per UTC day, workspace, '
  'workflow, webhook, batch and cause. A claim adds one (a reservation); an outcome where '
  'Clay did not take the row takes it back. Budgets are checked against it in the claim.';
create index paid_calls_batch_idx on enrich.paid_calls (batch_id) where batch_id is not null;

-- the calls already sent or reserved are in the ledger from the start
insert into enrich.paid_calls (day, workspace, workflow_slug, webhook_id, cause, calls)
select coalesce(d.reserved_on, (d.sent_at at time zone 'UTC')::date), 'default',
       d.workflow_slug, d.webhook_id, 'batch', count(*)
from enrich.dispatches d where d.status in ('SENT', 'LEASED')
group by 1, 3, 4;

-- Functions whose signature or result changes (sql/ re-creates them).
drop function if exists enrich.claim_dispatches(text, integer, interval, boolean, bigint[]);
drop function if exists enrich.claim_dispatches(text, integer, interval, boolean);
drop function if exists enrich.mark_dispatch_sent(bigint[], text);
drop function if exists enrich.reap_dispatches(integer);
drop function if exists enrich._queue_dispatches(text, text, uuid[]);
drop function if exists enrich.set_workflow(text, text[], interval, integer, numeric, integer, interval,
                                  boolean, text, numeric, integer);
drop function if exists enrich.webhook_warnings();
drop function if exists enrich.workflow_stats(timestamptz);

-- enrich.claim_dispatches: a worker leases due dispatches (SKIP LOCKED), with each entity's
-- payload and the webhook to POST it to. Everything that limits spending is enforced here,
-- in the claim's transaction, so it holds across all workers together: pause, the
-- workspace's rate limit (token bucket) and daily credits, the workflow's rate cap and daily
-- budget, and the webhook's submission cap. Each lease reserves one paid call in the ledger
-- (enrich.paid_calls) and one webhook submission; an outcome where Clay did not take the row
-- gives them back (enrich._return_reservations).

create or replace function enrich.claim_dispatches(
  p_worker text, p_limit integer default 10, p_lease interval default '2 minutes',
  p_include_unconfigured boolean default false, p_workflow text default null
) returns table (
  dispatch_id bigint, workflow_slug text, entity_type text, entity_id uuid, attempt integer,
  webhook_url text, webhook_auth_token text, payload jsonb
)
language plpgsql set search_path = '' as $$
declare
  v_today     date := enrich._utc_today();
  v_workflow  enrich.workflows;
  v_workspace enrich.workspaces;
  v_webhook   enrich.workflow_webhooks;
  v_ws_tokens numeric;
  v_wf_tokens numeric;
  v_take      integer;
  v_claimed   integer;
  v_left      integer := p_limit;
  v_locked    text[];
  -- the buckets refill up to the moment their lock is held, not the transaction's start
  -- (long past for a claim that waited for the lock)
  v_clock     timestamptz;
  c_post_delay_seconds constant numeric := 0.25;
begin
  -- a lease longer than an hour would hide a dead worker's dispatches for that long (and
  -- doctor could not tell): refused, like any other impossible argument
  if p_worker is null or p_worker = '' or p_limit is null or p_limit < 1
     or p_lease is null or now() + p_lease <= now()
     or now() + p_lease > now() + interval '1 hour' then  -- (as times: '1 month -30 days')
    raise exception using errcode = 'EN003',
      message = 'claim_dispatches needs a worker name, a limit >= 1 and a lease of at most an hour';
  end if;

  -- One claimer per workspace at a time, so its bucket and credits are exact; workspaces
  -- are locked before workflows, in name order, by every claimer (no lock cycle). Only
  -- workflows of the workspaces locked here are claimed from: one moved to another
  -- workspace (or resumed) since this statement's snapshot waits for the next round.
  v_locked := array(select s.name from enrich.workspaces s
                     where s.name in (select w.workspace from enrich.workflows w
                                       where p_workflow is null or w.slug = p_workflow)
                     order by s.name
                     for no key update);

  for v_workflow in
    select w.* from enrich.workflows w
    where w.paused_at is null and (p_workflow is null or w.slug = p_workflow)
      and w.workspace = any(v_locked)
      and exists (select from enrich.dispatches d
                  where d.workflow_slug = w.slug and d.status = 'QUEUED' and d.available_at <= now())
    order by w.workspace, w.slug
    for no key update of w
  loop
    exit when v_left <= 0;
    v_webhook := null;
    select h.* into v_webhook from enrich.workflow_webhooks h
     where h.workflow_slug = v_workflow.slug and h.retired_at is null
       and h.submissions < h.max_submissions
     order by h.position limit 1
     for no key update;
    if v_webhook.id is null
       and (not p_include_unconfigured
            or exists (select from enrich.workflow_webhooks h where h.workflow_slug = v_workflow.slug)) then
      continue;  -- no usable webhook (none configured, or all used up): see enrich doctor
    end if;

    select s.* into v_workspace from enrich.workspaces s where s.name = v_workflow.workspace;
    v_clock := clock_timestamp();
    v_ws_tokens := least(v_workspace.burst::numeric,
                         v_workspace.rate_tokens + v_workspace.rate_per_second
                           * greatest(0, extract(epoch from v_clock - v_workspace.rate_refilled_at)));
    v_wf_tokens := least(v_workflow.burst::numeric,
                         v_workflow.rate_tokens + v_workflow.rate_per_second
                           * extract(epoch from v_clock - v_workflow.rate_refilled_at));
    v_take := least(floor(v_ws_tokens)::integer, floor(v_wf_tokens)::integer, v_left,
                    coalesce(v_webhook.max_submissions - v_webhook.submissions, v_left),
                    enrich._calls_left_today(v_workflow, v_workspace, v_today));
    v_claimed := 0;
    if v_take > 0 then
      return query
      with due as (
        select d.id from enrich.dispatches d
        where d.workflow_slug = v_workflow.slug and d.status = 'QUEUED' and d.available_at <= now()
        -- the order of dispatches_due_idx (workflow_slug, available_at), so this is an
        -- index scan that stops after v_take rows
        order by d.available_at
        limit v_take
        for update skip locked
      ),
      leased as (
        update enrich.dispatches d
           set status = 'LEASED', leased_by = p_worker, leased_until = now() + p_lease,
               attempt = d.attempt + 1, webhook_id = v_webhook.id, updated_at = now(),
               paid_calls = d.paid_calls + 1, reserved_on = v_today,
               reserved_workspace = v_workflow.workspace,
               -- booked to the batch of the item that claimed the entity
               batch_id = case when d.cause = 'batch' and d.batch_id is null
                               then enrich._claiming_batch(d.workflow_slug, d.entity_id)
                               else d.batch_id end
          from due where d.id = due.id
        returning d.id, d.workflow_slug, d.entity_type, d.entity_id, d.attempt, d.batch_id,
                  d.cause
      ),
      booked as (
        insert into enrich.paid_calls as p
               (day, workspace, workflow_slug, webhook_id, batch_id, cause, calls)
        select v_today, v_workflow.workspace, v_workflow.slug, v_webhook.id, l.batch_id,
               l.cause, count(*)
        from leased l group by l.batch_id, l.cause
        on conflict on constraint paid_calls_key do update set calls = p.calls + excluded.calls
      )
      select l.id, l.workflow_slug, l.entity_type, l.entity_id, l.attempt, v_webhook.url,
             v_webhook.auth_token,
             jsonb_build_object('workflow', l.workflow_slug)
               || case l.entity_type when 'company' then enrich.get_company_data(l.entity_id)
                                     else enrich.get_person_data(l.entity_id) end
      from leased l
      order by l.id;
      get diagnostics v_claimed = row_count;
    end if;

    -- Clay's bucket counts a row when its POST arrives, ours at the claim. A POST arrives
    -- up to c_post_delay later (the claim's commit; a cold connection's handshake), some
    -- sooner than others, and meanwhile Clay's bucket, if full, loses the refill that ours
    -- already counts: 429s for the rows claimed next. So when this claim drew on a bucket
    -- that full (within c_post_delay's refill of the burst), ours refills only from when
    -- Clay's may have stopped being full, never sooner than a claim before decided. The
    -- burst and the rate are unchanged; a burst after a quiet spell costs c_post_delay's
    -- refill once.
    update enrich.workspaces s
       set rate_tokens = v_ws_tokens - v_claimed,
           rate_refilled_at = greatest(
             s.rate_refilled_at,
             v_clock + case when v_claimed > 0
                            then make_interval(secs => greatest(0, c_post_delay_seconds
                                   - (s.burst - v_ws_tokens) / s.rate_per_second))
                            else interval '0' end)
     where s.name = v_workspace.name;
    update enrich.workflows w
       set rate_tokens = v_wf_tokens - v_claimed, rate_refilled_at = v_clock
     where w.slug = v_workflow.slug;
    if v_webhook.id is not null and v_claimed > 0 then
      update enrich.workflow_webhooks h set submissions = h.submissions + v_claimed
       where h.id = v_webhook.id;
    end if;
    v_left := v_left - v_claimed;
  end loop;
end;
$$;
comment on function enrich.claim_dispatches(text, integer, interval, boolean, text) is
  'Leases up to p_limit due QUEUED dispatches to p_worker until now() + p_lease (FOR UPDATE '
  'SKIP LOCKED), counting an attempt and reserving one paid call (ledger) and one webhook '
  'submission each, within: unpaused workflows (only p_workflow if given), the workspace''s '
  'token bucket and daily credits, the workflow''s rate cap and daily budget, and the '
  'current webhook''s remaining submissions. Returns the payload to POST (contract shape, '
  'without callback_url, which the worker adds), the webhook URL and its own auth token if '
  'any; with p_include_unconfigured, workflows that have no webhook at all are claimable '
  'too, with a NULL webhook_url (the worker then uses its own, e.g. the Clay simulator).';

-- A worker's round in one statement (one round trip, one commit): record the POSTs Clay
-- accepted since the last round as SENT, then lease up to p_limit more (none when 0).
create or replace function enrich.claim_dispatches(
  p_worker text, p_limit integer, p_lease interval, p_include_unconfigured boolean,
  p_sent bigint[]
) returns table (
  dispatch_id bigint, workflow_slug text, entity_type text, entity_id uuid, attempt integer,
  webhook_url text, webhook_auth_token text, payload jsonb
)
language plpgsql set search_path = '' as $$
begin
  if cardinality(p_sent) > 0 then
    perform enrich.mark_dispatch_sent(p_sent, p_worker);
  end if;
  if p_limit > 0 then
    return query select * from enrich.claim_dispatches(p_worker, p_limit, p_lease, p_include_unconfigured);
  end if;
end;
$$;
comment on function enrich.claim_dispatches(text, integer, interval, boolean, bigint[]) is
  'A worker''s round in one statement: mark_dispatch_sent(p_sent, p_worker) (the POSTs '
  'accepted since its last round), then claim_dispatches(p_worker, p_limit, p_lease, '
  'p_include_unconfigured) unless p_limit is 0.';

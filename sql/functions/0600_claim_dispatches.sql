-- enrich.claim_dispatches: a worker leases due dispatches (SKIP LOCKED), with each entity's
-- payload and the webhook to POST it to. The per-workflow rate limit (token bucket) and the
-- per-webhook submission cap are enforced here, so they hold across all workers together.

create or replace function enrich.claim_dispatches(
  p_worker text, p_limit integer default 10, p_lease interval default '2 minutes',
  p_include_unconfigured boolean default false
) returns table (
  dispatch_id bigint, workflow_slug text, entity_type text, entity_id uuid, attempt integer,
  webhook_url text, payload jsonb
)
language plpgsql set search_path = '' as $$
declare
  v_workflow  enrich.workflows;
  v_webhook   enrich.workflow_webhooks;
  v_tokens    numeric;
  v_take      integer;
  v_claimed   integer;
  v_left      integer := p_limit;
begin
  if p_worker is null or p_worker = '' or p_limit is null or p_limit < 1
     or p_lease is null or p_lease <= interval '0' then
    raise exception using errcode = 'EN003',
      message = 'claim_dispatches needs a worker name, a limit >= 1 and a positive lease';
  end if;

  for v_workflow in
    select w.* from enrich.workflows w
    where exists (select from enrich.dispatches d
                  where d.workflow_slug = w.slug and d.status = 'QUEUED' and d.available_at <= now())
    order by w.slug
    for no key update of w   -- one claimer per workflow at a time: the bucket is exact
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

    v_tokens := least(v_workflow.burst::numeric,
                      v_workflow.rate_tokens + v_workflow.rate_per_second
                        * extract(epoch from now() - v_workflow.rate_refilled_at));
    v_take := least(floor(v_tokens)::integer, v_left,
                    coalesce(v_webhook.max_submissions - v_webhook.submissions, v_left));
    v_claimed := 0;
    if v_take > 0 then
      return query
      with due as (
        select d.id from enrich.dispatches d
        where d.workflow_slug = v_workflow.slug and d.status = 'QUEUED' and d.available_at <= now()
        -- the order of dispatches_due_idx (workflow_slug, available_at), so this is an
        -- index scan that stops after v_take rows (ordering by (available_at, id) made the
        -- generic plan a seq scan and sort of every queued row: ~7 ms per claim at 20,000)
        order by d.available_at
        limit v_take
        for update skip locked
      ),
      leased as (
        update enrich.dispatches d
           set status = 'LEASED', leased_by = p_worker, leased_until = now() + p_lease,
               attempt = d.attempt + 1, webhook_id = v_webhook.id, updated_at = now()
          from due where d.id = due.id
        returning d.id, d.workflow_slug, d.entity_type, d.entity_id, d.attempt
      )
      select l.id, l.workflow_slug, l.entity_type, l.entity_id, l.attempt, v_webhook.url,
             jsonb_build_object('workflow', l.workflow_slug)
               || case l.entity_type when 'company' then enrich.get_company_data(l.entity_id)
                                     else enrich.get_person_data(l.entity_id) end
      from leased l
      order by l.id;
      get diagnostics v_claimed = row_count;
    end if;

    update enrich.workflows w
       set rate_tokens = v_tokens - v_claimed, rate_refilled_at = now()
     where w.slug = v_workflow.slug;
    if v_webhook.id is not null and v_claimed > 0 then
      update enrich.workflow_webhooks h
         set submissions = h.submissions + v_claimed,
             retired_at = case when h.submissions + v_claimed >= h.max_submissions then now() end
       where h.id = v_webhook.id;
    end if;
    v_left := v_left - v_claimed;
  end loop;
end;
$$;
comment on function enrich.claim_dispatches(text, integer, interval, boolean) is
  'Leases up to p_limit due QUEUED dispatches to p_worker until now() + p_lease (FOR UPDATE '
  'SKIP LOCKED), counting an attempt each, within each workflow''s rate limit (token bucket: '
  'rate_per_second, burst) and its current webhook''s remaining submissions (a webhook is '
  'retired when it reaches max_submissions). Returns the payload to POST (contract shape, '
  'without callback_url, which the worker adds) and the webhook URL; with '
  'p_include_unconfigured, workflows that have no webhook at all are claimable too, with a '
  'NULL webhook_url (the worker then uses its own, e.g. the Clay simulator).';

-- A worker's round in one statement (one round trip, one commit): record the POSTs Clay
-- accepted since the last round as SENT, then lease up to p_limit more (none when 0).
-- An overload: p_sent has no default, so calls without it still reach the function above.
create or replace function enrich.claim_dispatches(
  p_worker text, p_limit integer, p_lease interval, p_include_unconfigured boolean,
  p_sent bigint[]
) returns table (
  dispatch_id bigint, workflow_slug text, entity_type text, entity_id uuid, attempt integer,
  webhook_url text, payload jsonb
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

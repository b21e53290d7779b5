-- enrich.retry_dispatch: Clay did not take the row (429, 500, 503, a network error before
-- the body went out). The reserved call is given back; the dispatch is QUEUED again after
-- p_delay, or the entity FAILS once the workflow's max_attempts are used up.

create or replace function enrich._requeue_dispatch(
  p_dispatch_id bigint, p_delay interval, p_error text, p_give_back_attempt boolean
) returns void
language sql set search_path = '' as $$
  update enrich.dispatches d
     set status = 'QUEUED',
         available_at = now() + least(greatest(p_delay, interval '0'), interval '1 day'),
         attempt = case when p_give_back_attempt then greatest(d.attempt - 1, 0) else d.attempt end,
         leased_by = null, leased_until = null, sent_at = null, callback_deadline = null,
         last_error = p_error, updated_at = now()
   where d.id = p_dispatch_id
$$;
comment on function enrich._requeue_dispatch(bigint, interval, text, boolean) is
  'Back to QUEUED, due after p_delay (0 to 1 day), optionally giving back the attempt the '
  'claim counted.';

create or replace function enrich._retry_or_fail(p_dispatch_id bigint, p_delay interval, p_error text)
returns text
language plpgsql set search_path = '' as $$
declare
  v_dispatch enrich.dispatches;
  v_max      integer;
begin
  select d.* into v_dispatch from enrich.dispatches d where d.id = p_dispatch_id;
  select w.max_attempts into v_max from enrich.workflows w where w.slug = v_dispatch.workflow_slug;
  if v_dispatch.attempt >= v_max then
    perform enrich._settle_entity(v_dispatch.workflow_slug, v_dispatch.entity_id, 'FAILED',
      format('gave up after %s attempt(s): %s', v_dispatch.attempt, p_error));
    return 'FAILED';
  end if;
  perform enrich._requeue_dispatch(p_dispatch_id, p_delay, p_error, false);
  return 'QUEUED';
end;
$$;
comment on function enrich._retry_or_fail(bigint, interval, text) is
  'A free delivery retry: re-queue after a delay, or fail the entity when its attempts are '
  'used up.';

create or replace function enrich.retry_dispatch(
  p_dispatch_id bigint, p_worker text, p_delay interval, p_error text,
  p_spend_attempt boolean default true
) returns text
language plpgsql set search_path = '' as $$
begin
  perform 1 from enrich.dispatches d
   where d.id = p_dispatch_id and d.status = 'LEASED' and d.leased_by = p_worker
   for update;
  if not found then
    return null;
  end if;
  perform enrich._return_reservations(array[p_dispatch_id]);
  if not p_spend_attempt then
    -- throttled (429): Clay did not take the row; the attempt is given back
    perform enrich._requeue_dispatch(p_dispatch_id, p_delay, p_error, true);
    return 'QUEUED';
  end if;
  return enrich._retry_or_fail(p_dispatch_id, p_delay, p_error);
end;
$$;
comment on function enrich.retry_dispatch(bigint, text, interval, text, boolean) is
  'Clay did not take the row: the reserved paid call and webhook submission are given back, '
  'then QUEUED again after p_delay (returns QUEUED), or the entity FAILS when attempts reach '
  'max_attempts (returns FAILED). With p_spend_attempt false (a 429: the row was throttled, '
  'not tried) the attempt is given back too and the entity never fails for it. NULL when '
  'p_worker does not hold the lease.';

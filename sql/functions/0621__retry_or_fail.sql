-- enrich._retry_or_fail: a free delivery retry, or the entity FAILS once the workflow's
-- max_attempts are used up.

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

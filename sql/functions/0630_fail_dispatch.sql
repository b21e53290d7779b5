-- enrich.fail_dispatch: a permanent failure (4xx other than 429): the entity FAILS now and
-- its items fail with the error.

create or replace function enrich.fail_dispatch(p_dispatch_id bigint, p_worker text, p_error text)
returns boolean
language plpgsql set search_path = '' as $$
declare
  v_dispatch enrich.dispatches;
begin
  select d.* into v_dispatch from enrich.dispatches d
   where d.id = p_dispatch_id and d.status = 'LEASED' and d.leased_by = p_worker
   for update;
  if not found then
    return false;
  end if;
  perform enrich._settle_entity(v_dispatch.workflow_slug, v_dispatch.entity_id, 'FAILED', p_error);
  return true;
end;
$$;
comment on function enrich.fail_dispatch(bigint, text, text) is
  'Permanent failure: the entity FAILS with p_error, cascading to its items. False when '
  'p_worker does not hold the lease.';

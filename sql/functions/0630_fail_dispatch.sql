-- enrich.fail_dispatch: Clay refused the row for good (a 4xx other than 429, a payload over
-- its limit): nothing was paid; the entity FAILS now and its items fail with the error.

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
  perform enrich._return_reservations(array[p_dispatch_id]);
  perform enrich._settle_entity(v_dispatch.workflow_slug, v_dispatch.entity_id, 'FAILED', p_error);
  return true;
end;
$$;
comment on function enrich.fail_dispatch(bigint, text, text) is
  'Permanent refusal: the reserved call is given back and the entity FAILS with p_error, '
  'cascading to its items. False when p_worker does not hold the lease.';

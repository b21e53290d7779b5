-- enrich._refuse_live_load: finish_loading and discard_loading_batch refuse (EN005) while
-- another session, a loader still running, holds the batch's lock.

create or replace function enrich._refuse_live_load(p_batch_id uuid) returns void
language plpgsql set search_path = '' as $$
declare
  v_holder integer;
begin
  select h into v_holder from enrich._loading_lock_holders(p_batch_id) as h
  where h <> pg_catalog.pg_backend_pid() limit 1;
  if v_holder is not null then
    raise exception using errcode = 'EN005',
      message = format('batch %s is still loading (its loader is process %s)', p_batch_id, v_holder);
  end if;
end;
$$;

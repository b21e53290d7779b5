-- enrich._refuse_live_load: finish_loading and discard_loading_batch refuse (EN005) while a
-- live loader other than the caller (p_loader) is loading the batch.

create or replace function enrich._refuse_live_load(p_batch_id uuid, p_loader text)
returns void
language plpgsql set search_path = '' as $$
declare
  v_loader enrich.processes;
begin
  select p.* into v_loader from enrich.processes p
  where p.id in (select enrich._live_loaders(p_batch_id)) and p.id is distinct from p_loader
  limit 1;
  if found then
    raise exception using errcode = 'EN005',
      message = format('batch %s is still loading (its loader is process %s on %s, seen %s)',
                       p_batch_id, v_loader.pid, v_loader.host, v_loader.seen_at);
  end if;
end;
$$;
comment on function enrich._refuse_live_load(uuid, text) is
  'EN005 while a live loader other than p_loader loads the batch.';

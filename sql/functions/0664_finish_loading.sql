-- enrich.finish_loading: the end of a load in parts. The LOADING batch gets its item count
-- and its status from its items.

create or replace function enrich.finish_loading(p_batch_id uuid, p_loader text default null) returns void
language plpgsql set search_path = '' as $$
begin
  perform enrich._refuse_live_load(p_batch_id, p_loader);
  -- the sum of the parts' counts (start_batch writes one row per part; none: no items)
  update enrich.batches b
     set status = 'IN_PROGRESS',
         item_count = (select coalesce(sum(p.item_count), 0) from enrich.loading_batch_parts p
                        where p.batch_id = b.id)
   where b.id = p_batch_id and b.status = 'LOADING';
  if not found then
    raise exception using errcode = 'EN002',
      message = format('no LOADING batch %s', p_batch_id);
  end if;
  delete from enrich.loading_batch_parts p where p.batch_id = p_batch_id;
  perform enrich._count_batch_entities(array[p_batch_id]);
  perform enrich._refresh_batch_status(array[p_batch_id]);
end;
$$;
comment on function enrich.finish_loading(uuid, text) is
  'Ends a load in parts: the LOADING batch (EN002 if none) gets its item count (the sum of '
  'its parts'' counts) and its status from its items (IN_PROGRESS, or COMPLETED if every '
  'item has finished). EN005 while a live loader other than p_loader loads it.';

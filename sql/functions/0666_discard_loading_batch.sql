-- enrich.discard_loading_batch: a load in parts that failed is deleted with its items; the
-- entities its committed parts claimed stay, as any batch's do.

create or replace function enrich.discard_loading_batch(p_batch_id uuid, p_loader text default null) returns boolean
language plpgsql set search_path = '' as $$
begin
  perform enrich._refuse_live_load(p_batch_id, p_loader);
  if not exists (select from enrich.batches b where b.id = p_batch_id and b.status = 'LOADING') then
    return false;
  end if;
  -- items first, the batch row last: the order a result's cascade takes them in
  if enrich._delete_batches(array[p_batch_id], 'LOADING') = 0 then
    raise exception using errcode = 'EN005',
      message = format('batch %s stopped loading meanwhile; nothing deleted', p_batch_id);
  end if;
  return true;
end;
$$;
comment on function enrich.discard_loading_batch(uuid, text) is
  'Deletes a LOADING batch (a load in parts that failed) with its items and item steps; '
  'the entities its committed parts claimed stay, as any batch''s do. False if there is no '
  'such batch; EN005 while a live loader other than p_loader loads it.';

-- enrich.discard_loading_batch: a load in parts that failed is deleted with its items. The
-- entities its committed parts claimed stay, as any batch's do, unless the load had a limit
-- of new paid calls: those claims were held (nothing was paid) and are taken back, except
-- where another batch's items wait on them (enrich._end_held_claims).

create or replace function enrich.discard_loading_batch(p_batch_id uuid, p_loader text default null) returns boolean
language plpgsql set search_path = '' as $$
begin
  perform enrich._refuse_live_load(p_batch_id, p_loader);
  -- locked first, as finish_loading does
  perform from enrich.batches b where b.id = p_batch_id and b.status = 'LOADING' for update;
  if not found then
    return false;
  end if;
  perform enrich._end_held_claims(p_batch_id, false);
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
  'the entities its committed parts claimed stay, as any batch''s do, except held claims '
  '(a load with a limit of new paid calls), which are taken back unless another batch''s '
  'items wait on them. False if there is no such batch; EN005 while a live loader other '
  'than p_loader loads it.';

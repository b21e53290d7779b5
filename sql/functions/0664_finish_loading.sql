-- enrich.finish_loading: the end of a load in parts. The LOADING batch gets its item count
-- and its status from its items. With a limit of new paid calls (given here, or the one the
-- batch was opened with), the load is checked first: over it, the load is discarded as a
-- failed one, and since its claims were held (never due), nothing was paid.

create or replace function enrich.finish_loading(
  p_batch_id uuid, p_loader text default null, p_max_new_calls bigint default null
) returns boolean
language plpgsql set search_path = '' as $$
declare
  v_limit  bigint;
  v_needed bigint;
begin
  if p_max_new_calls < 0 then
    raise exception using errcode = 'EN003', message = 'finish_loading: p_max_new_calls >= 0';
  end if;
  perform enrich._refuse_live_load(p_batch_id, p_loader);
  -- locked first: a result advancing this batch's items into a next step (which locks it
  -- too) either ends before (its held claims are seen below) or sees it loaded
  select coalesce(p_max_new_calls, b.max_new_calls) into v_limit
    from enrich.batches b where b.id = p_batch_id and b.status = 'LOADING'
     for update;
  if not found then
    raise exception using errcode = 'EN002',
      message = format('no LOADING batch %s', p_batch_id);
  end if;
  if v_limit is not null then
    select coalesce(sum(e.new_calls), 0) into v_needed
      from enrich.estimate_batch_calls(p_batch_id) e;
    if v_needed > v_limit then
      perform enrich._end_held_claims(p_batch_id, false);
      perform enrich._delete_batches(array[p_batch_id], 'LOADING');
      return false;
    end if;
  end if;
  -- the sum of the parts' counts (start_batch writes one row per part; none: no items)
  update enrich.batches b
     set status = 'IN_PROGRESS', max_new_calls = null,
         item_count = (select coalesce(sum(p.item_count), 0) from enrich.loading_batch_parts p
                        where p.batch_id = b.id)
   where b.id = p_batch_id;
  delete from enrich.loading_batch_parts p where p.batch_id = p_batch_id;
  perform enrich._count_batch_entities(array[p_batch_id]);
  perform enrich._end_held_claims(p_batch_id, true);  -- due now; one NOTIFY per workflow
  perform enrich._refresh_batch_status(array[p_batch_id]);
  return true;
end;
$$;
comment on function enrich.finish_loading(uuid, text, bigint) is
  'Ends a load in parts: the LOADING batch (EN002 if none) gets its item count (the sum of '
  'its parts'' counts) and its status from its items (IN_PROGRESS, or COMPLETED if every '
  'item has finished), and its held claims come due; true. With a limit (p_max_new_calls, '
  'else the one open_batch was given), a load needing more new paid calls '
  '(estimate_batch_calls) is refused: deleted like discard_loading_batch, its held claims '
  'taken back, nothing paid; false. EN005 while a live loader other than p_loader loads it.';

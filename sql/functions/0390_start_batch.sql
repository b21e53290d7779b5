-- enrich.start_batch: a loaded batch's unstarted items enter the pipeline's first step.
-- Shared by create_batch (JSON rows) and `enrich load` (COPY): one SQL path for the steps.

create or replace function enrich.start_batch(p_batch_id uuid) returns void
language plpgsql set search_path = '' as $$
declare
  v_first_step text;
  v_status     text;
  v_item_ids   uuid[];
begin
  select b.steps[1], b.status into v_first_step, v_status
  from enrich.batches b where b.id = p_batch_id;
  if not found then
    raise exception using errcode = 'EN002', message = format('unknown batch %s', p_batch_id);
  end if;
  -- in no particular order: the steps are set-based, and order by row where it matters
  if v_status = 'LOADING' then
    -- one part of a load in parts: the items this transaction wrote (the other parts' are
    -- started and committed, or not visible; finish_loading adds up the parts' counts)
    v_item_ids := array(select i.id from enrich.batch_items i
                        where i.batch_id = p_batch_id and i.xmin = pg_current_xact_id()::xid);
  else
    v_item_ids := array(select i.id from enrich.batch_items i where i.batch_id = p_batch_id);
    update enrich.batches b set item_count = cardinality(v_item_ids) where b.id = p_batch_id;
  end if;
  -- already started? (one index probe: items enter the first step together)
  if exists (select from enrich.workflow_states ws where ws.item_id = v_item_ids[1]) then
    return;
  end if;
  perform enrich._enter_step(v_first_step, v_item_ids);
  if v_status = 'LOADING' then  -- counted in a row of the part's own (see migration 0012)
    insert into enrich.loading_batch_parts (batch_id, item_count)
    values (p_batch_id, cardinality(v_item_ids));
  else  -- (a load in parts: once, by finish_loading)
    perform enrich._count_batch_entities(array[p_batch_id]);
  end if;
  perform enrich._refresh_batch_status(array[p_batch_id]);
end;
$$;
comment on function enrich.start_batch(uuid) is
  'The items of a loaded batch enter the pipeline''s first step (used by create_batch and '
  'by `enrich load` after COPY). Calling it again for a started batch does nothing. For a '
  'LOADING batch (a load in parts), the items this transaction wrote, counted in '
  'loading_batch_parts.';

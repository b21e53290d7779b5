-- enrich._advance_items: the orchestrator. Called with the item steps that just finished (by
-- the steps, and by the workflow_states update trigger); moves items on, finishes them, closes batches.

create or replace function enrich._advance_items(
  p_item_ids uuid[], p_steps text[], p_statuses text[]
) returns void
language plpgsql set search_path = ''
-- Bulk-safe planning for the steps below: a batch's rows are new in this transaction, so
-- statistics underestimate them and the planner would pick nested loops that rescan a CTE
-- per row (quadratic at 100k rows). Hash joins and custom plans (arrays as constants, so
-- `= any(array)` is a hashed lookup) keep every step O(n); single-row lookups stay indexed.
-- No JIT: disabling nested loops inflates plan costs past the JIT thresholds, and compiling
-- with inlining and optimisation then costs more than the statement itself.
set enable_nestloop = off
set enable_seqscan = on
set jit = off
set plan_cache_mode = force_custom_plan as $$
declare
  v_batch_ids uuid[] := '{}';
  v_next      record;
begin
  -- A few callbacks' cascade (tens of items) reuses generic plans instead: planning these
  -- statements with their arrays for every group of callbacks is a large part of its cost.
  -- Index scans only, so a plan made while the tables were small stays right after a
  -- million-row batch lands. The function's SET clauses restore all three.
  if cardinality(p_item_ids) <= 1000 then
    perform set_config('plan_cache_mode', 'auto', true), set_config('enable_seqscan', 'off', true),
            set_config('enable_nestloop', 'on', true);
  end if;

  -- Each item's batch is read once (every extra pass over a million items is felt in the
  -- load): the items grouped by what comes next, FAILED ones first, each group
  -- with its batches and whether any of its items must be reopened (a late result revived
  -- it). Rows of one statement are usually all one step; batches may follow different
  -- pipelines. An item comes once per call (a step hands over one row per item; a cascade
  -- updates one step's rows), so a group's `reopens`, read before the FAILED update, holds.
  for v_next in
    select f.status,
           case when f.status = 'COMPLETED'
                then b.steps[array_position(b.steps, f.step) + 1] end as step,
           array_agg(i.id) as item_ids,
           array_agg(distinct i.batch_id) as batch_ids,
           bool_or(i.status <> 'IN_PROGRESS') as reopens
    from unnest(p_item_ids, p_steps, p_statuses) as f(item_id, step, status)
    join enrich.batch_items i on i.id = f.item_id
    join enrich.batches b on b.id = i.batch_id
    where f.status in ('COMPLETED', 'FAILED')
    group by 1, 2
    order by f.status desc, 2 nulls first  -- FAILED, then COMPLETED
  loop
    v_batch_ids := v_batch_ids || v_next.batch_ids;
    if v_next.status = 'FAILED' then
      update enrich.batch_items i
         set status = 'FAILED', finished_at = now()
       where i.id = any(v_next.item_ids) and i.status <> 'FAILED';
    elsif v_next.step is null then
      update enrich.batch_items i
         set status = 'COMPLETED', finished_at = now()
       where i.id = any(v_next.item_ids);
    else
      if v_next.reopens then  -- an item revived by a late result is unfinished again
        update enrich.batch_items i
           set status = 'IN_PROGRESS', finished_at = null
         where i.id = any(v_next.item_ids) and i.status <> 'IN_PROGRESS';
      end if;
      perform enrich._enter_step(v_next.step, v_next.item_ids);
    end if;
  end loop;

  perform enrich._refresh_batch_status(array(select distinct unnest(v_batch_ids)));
end;
$$;
comment on function enrich._advance_items(uuid[], text[], text[]) is
  'Orchestrator: for item steps that just became COMPLETED or FAILED (parallel arrays), '
  'enter the next step, finish the item, and refresh its batch''s status. Callers leave '
  'out COMPLETED normalize_all_core_values rows (their items move on from split).';

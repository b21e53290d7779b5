-- enrich._enter_step: items enter a pipeline step (the orchestrator's only entry point).
-- SQL steps finish at once; an entity step claims or waits on each item's entity.

create or replace function enrich._enter_step(p_step text, p_item_ids uuid[]) returns void
language plpgsql set search_path = ''
-- Bulk-safe planning for the steps below: a batch's rows are new in this transaction, so
-- statistics underestimate them and the planner would pick nested loops that rescan a CTE
-- per row (quadratic at 100k rows). Hash joins and custom plans (arrays as constants, so
-- `= any(array)` is a hashed lookup) keep every step O(n); single-row lookups stay indexed.
-- No JIT: disabling nested loops inflates plan costs past the JIT thresholds, and compiling
-- with inlining and optimisation then costs more than the statement itself.
set enable_nestloop = off
set jit = off
set plan_cache_mode = force_custom_plan as $$
begin
  -- A few items (a small batch, a few callbacks' cascade) are looked up by their keys:
  -- with nested loops off, a join of one item would hash every item of the database.
  if cardinality(p_item_ids) <= 1000 then
    perform set_config('enable_nestloop', 'on', true);
  end if;
  if cardinality(p_item_ids) = 0 then
    return;
  elsif p_step = 'normalize_all_core_values' then
    perform enrich._step_normalize_and_split(p_item_ids);  -- both SQL steps, one pass
  elsif p_step = 'split' then
    raise exception using errcode = 'EN005',
      message = 'split runs together with normalize_all_core_values, never on its own';
  else
    perform enrich._step_enter_entity_workflow(p_step, p_item_ids);
  end if;
end;
$$;
comment on function enrich._enter_step(text, uuid[]) is
  'Items enter a step: writes their workflow_states rows and hands those that finish at once '
  'to _advance_items; later changes reach it through the workflow_states update trigger.';

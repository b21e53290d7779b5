-- The statement trigger on workflow_states: every update's changes of status (or of what a
-- step is counted under) go to the batch's kept counts (enrich.batch_counts), and every item
-- step that it makes COMPLETED or FAILED (an entity's cascade, an operator's status change) is
-- handed to enrich._advance_items (next step, item finished, batch status), set-based. Except
-- a COMPLETED normalize_all_core_values: the item moves on from split.
-- Rows are inserted only by the steps (0210, 0230), which count them and hand the rows they
-- finished to enrich._advance_items themselves: an insert trigger's transition table would
-- copy every row written (three per item) to find the few that finished.

create or replace function enrich._workflow_states_after_update() returns trigger
language plpgsql set search_path = ''
-- The join of the transition tables has no parameter, so its plan is made once per session
-- and kept: made on a one-row update (a callback), a nested loop rescans the old rows for
-- every new one, quadratic for an entity with thousands of waiting items.
-- No JIT: nested loops off inflate plan costs past the JIT thresholds, and compiling costs
-- more than the statements (a callback's cascade is milliseconds).
set enable_nestloop = off
set jit = off as $$
declare
  v_changed record;
begin
  -- One pass over the transition tables: the rows whose count changes (status, skipped or
  -- error; each row's batch looked up by its key: a join would be planned as a hash join
  -- over every item, nested loops being off), and among them the item steps that finished.
  select array_agg((select i.batch_id from enrich.batch_items i where i.id = c.item_id))
           as batches,
         array_agg(c.step_name) as steps,
         array_agg(c.old_status) as old_statuses, array_agg(c.new_status) as new_statuses,
         array_agg(c.old_skipped) as old_skipped, array_agg(c.new_skipped) as new_skipped,
         array_agg(c.old_error) as old_errors, array_agg(c.new_error) as new_errors,
         array_agg(c.item_id) filter (where c.finished) as finished_items,
         array_agg(c.step_name) filter (where c.finished) as finished_steps,
         array_agg(c.new_status) filter (where c.finished) as finished_statuses
    into v_changed
    from (select n.item_id, n.step_name, o.status as old_status, n.status as new_status,
                 o.meta ? 'skipped' as old_skipped, n.meta ? 'skipped' as new_skipped,
                 enrich._state_error(o.status, o.meta) as old_error,
                 enrich._state_error(n.status, n.meta) as new_error,
                 n.status in ('COMPLETED', 'FAILED') and n.status <> o.status
                   and not (n.status = 'COMPLETED' and n.step_name = 'normalize_all_core_values')
                   as finished
          from finished_rows n
          join previous_rows o on o.item_id = n.item_id and o.step_name = n.step_name) c
   where (c.old_status, c.old_skipped, c.old_error) <> (c.new_status, c.new_skipped, c.new_error);
  if v_changed.batches is null then
    return null;
  end if;

  -- each changed row leaves the count it was in and joins its new one
  perform enrich._count_states(
    v_changed.batches || v_changed.batches, v_changed.steps || v_changed.steps,
    v_changed.old_statuses || v_changed.new_statuses,
    v_changed.old_skipped || v_changed.new_skipped,
    v_changed.old_errors || v_changed.new_errors,
    array_fill(-1::bigint, array[cardinality(v_changed.batches)])
      || array_fill(1::bigint, array[cardinality(v_changed.batches)]));

  if v_changed.finished_items is not null then
    perform enrich._advance_items(v_changed.finished_items, v_changed.finished_steps,
                                  v_changed.finished_statuses);
  end if;
  return null;
end;
$$;

create or replace trigger workflow_states_0700_advance_after_update
  after update on enrich.workflow_states
  referencing old table as previous_rows new table as finished_rows
  for each statement execute function enrich._workflow_states_after_update();

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
  v_item_ids uuid[]; v_steps text[]; v_statuses text[];
begin
  -- each changed row leaves the count it was in and joins its new one (its batch looked up
  -- per row: a join would be planned as a hash join over every item, nested loops being
  -- off); one pass over the transition tables, old and new keys as arrays
  perform enrich._count_states(c.batches || c.batches, c.steps || c.steps,
                               c.old_statuses || c.new_statuses, c.old_skipped || c.new_skipped,
                               c.old_errors || c.new_errors,
                               array_fill(-1::bigint, array[cardinality(c.batches)])
                                 || array_fill(1::bigint, array[cardinality(c.batches)]))
  from (
    select array_agg((select i.batch_id from enrich.batch_items i where i.id = n.item_id))
             as batches,
           array_agg(n.step_name) as steps,
           array_agg(o.status) as old_statuses, array_agg(n.status) as new_statuses,
           array_agg(o.meta ? 'skipped') as old_skipped, array_agg(n.meta ? 'skipped') as new_skipped,
           array_agg(enrich._state_error(o.status, o.meta)) as old_errors,
           array_agg(enrich._state_error(n.status, n.meta)) as new_errors
    from finished_rows n
    join previous_rows o on o.item_id = n.item_id and o.step_name = n.step_name
    where o.status <> n.status or (o.meta ? 'skipped') <> (n.meta ? 'skipped')
       or enrich._state_error(o.status, o.meta) <> enrich._state_error(n.status, n.meta)
  ) c
  where c.batches is not null;

  select array_agg(n.item_id), array_agg(n.step_name), array_agg(n.status)
    into v_item_ids, v_steps, v_statuses
    from finished_rows n
    join previous_rows o on o.item_id = n.item_id and o.step_name = n.step_name
   where n.status in ('COMPLETED', 'FAILED') and n.status <> o.status
     and not (n.status = 'COMPLETED' and n.step_name = 'normalize_all_core_values');
  if v_item_ids is not null then
    perform enrich._advance_items(v_item_ids, v_steps, v_statuses);
  end if;
  return null;
end;
$$;

create or replace trigger workflow_states_0700_advance_after_update
  after update on enrich.workflow_states
  referencing old table as previous_rows new table as finished_rows
  for each statement execute function enrich._workflow_states_after_update();

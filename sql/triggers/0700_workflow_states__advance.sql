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
set enable_nestloop = off as $$
declare
  v_item_ids uuid[]; v_steps text[]; v_statuses text[];
begin
  -- each changed row leaves the count it was in and joins its new one (its batch looked up
  -- per row: a join would be planned as a hash join over every item, nested loops being off)
  perform enrich._count_states(array_agg(c.batch_id), array_agg(c.step_name),
                               array_agg(c.status), array_agg(c.skipped), array_agg(c.error),
                               array_agg(c.delta))
  from (
    select (select i.batch_id from enrich.batch_items i where i.id = n.item_id) as batch_id,
           n.step_name, k.status, k.skipped, k.error, k.delta
    from finished_rows n
    join previous_rows o on o.item_id = n.item_id and o.step_name = n.step_name
    cross join lateral (values
      (o.status, o.meta ? 'skipped', enrich._state_error(o.status, o.meta), -1::bigint),
      (n.status, n.meta ? 'skipped', enrich._state_error(n.status, n.meta), 1::bigint)
    ) as k(status, skipped, error, delta)
    where o.status <> n.status or (o.meta ? 'skipped') <> (n.meta ? 'skipped')
       or enrich._state_error(o.status, o.meta) <> enrich._state_error(n.status, n.meta)
  ) c;

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

-- Old function versions go here, not in sql/ (re-applied on every migrate): the signatures
-- and the insert trigger that sql/ no longer defines. batch_items.current_step goes: nothing
-- reads or writes it (an item's place in its pipeline is its workflow_states rows).
-- depends: 0013_spend_safety

drop trigger if exists workflow_states_0700_advance_after_insert on enrich.workflow_states;
drop function if exists enrich._workflow_states_after_insert();
drop function if exists enrich._step_normalize_all_core_values(uuid[]);
drop function if exists enrich._step_split(uuid[]);
drop function if exists enrich.open_batch(text);
drop function if exists enrich._loading_lock_holder(uuid);
drop function if exists enrich._delete_batches(uuid[]);

alter table enrich.batch_items drop column if exists current_step;

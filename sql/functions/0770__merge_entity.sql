-- enrich._merge_entity: one entity (the loser) folded into another of the same type (the
-- survivor), when both turn out to be one real-world company or person (their keys became
-- one canonical key). Everything that named the loser names the survivor: its items, their
-- steps, its people (for a company), its results (all kept: the newest is the current one)
-- and its callbacks. Per workflow the survivor keeps its own state (with both entities'
-- paid calls and attempts), unless only the loser had one or the loser's is COMPLETED where
-- the survivor's is FAILED. The caller makes sure the loser has no work in flight (no
-- dispatch, no PENDING or IN_PROGRESS state).

create or replace function enrich._merge_entity(
  p_entity_type text, p_survivor uuid, p_loser uuid, p_key text
) returns void
language plpgsql set search_path = '' as $$
declare
  t record;
begin
  select * into t from enrich._entity_tables(p_entity_type);
  -- per workflow both have a state for, the survivor's stays, counting the loser's paid
  -- calls and attempts too (the spend ledger counts them), and takes the loser's
  -- COMPLETED over a state of its own that is neither that nor work in flight
  execute format(
    'update enrich.%1$I s
        set paid_calls = s.paid_calls + l.paid_calls, attempts = s.attempts + l.attempts,
            status = case when takes_loser then l.status else s.status end,
            completed_at = case when takes_loser then l.completed_at else s.completed_at end,
            failed_at = case when takes_loser then null else s.failed_at end,
            last_error = case when takes_loser then l.last_error else s.last_error end,
            meta = case when takes_loser then l.meta else s.meta end,
            updated_at = now()
       from (select l.*, l.status = ''COMPLETED''
                         and s2.status not in (''COMPLETED'', ''IN_PROGRESS'', ''PENDING'') as takes_loser
             from enrich.%1$I l join enrich.%1$I s2
               on s2.%2$I = $1 and s2.workflow_slug = l.workflow_slug
             where l.%2$I = $2) l
      where s.%2$I = $1 and s.workflow_slug = l.workflow_slug',
    t.states, t.id_column) using p_survivor, p_loser;
  execute format(
    'delete from enrich.%1$I l using enrich.%1$I s
      where l.%2$I = $2 and s.%2$I = $1 and s.workflow_slug = l.workflow_slug',
    t.states, t.id_column) using p_survivor, p_loser;
  execute format('update enrich.%I set %I = $1 where %2$I = $2', t.states, t.id_column)
    using p_survivor, p_loser;
  execute format('update enrich.%I set %I = $1 where %2$I = $2', t.results, t.id_column)
    using p_survivor, p_loser;
  execute format(
    'update enrich.batch_items set %I = $1, %I = $3 where %1$I = $2',
    t.id_column, p_entity_type || '_key') using p_survivor, p_loser, p_key;
  execute format(  -- a batch that had both now has one entity fewer
    'select enrich._count_batch_entities(array(
       select distinct i.batch_id from enrich.batch_items i where i.%I = $1))',
    t.id_column) using p_survivor;
  update enrich.workflow_states ws
     set entity_id = p_survivor,
         meta = ws.meta || jsonb_build_object(t.id_column, p_survivor)
   where ws.entity_id = p_loser;
  update enrich.callback_log c set entity_id = p_survivor
   where c.entity_type = p_entity_type and c.entity_id = p_loser;
  if p_entity_type = 'company' then
    update enrich.normalized_people p set company_id = p_survivor where p.company_id = p_loser;
  end if;
  execute format('delete from enrich.%I where id = $1', t.entities) using p_loser;
end;
$$;
comment on function enrich._merge_entity(text, uuid, uuid, text) is
  'Folds an entity without work in flight into another of its type (items, steps, people, '
  'results, callbacks and the better state per workflow move); items get the key p_key.';

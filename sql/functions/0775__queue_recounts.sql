-- enrich._queue_recounts: the batches whose rows reached these entities (merge survivors)
-- have fewer distinct companies or people now: worker housekeeping recounts them
-- (enrich.perform_queued_merges), so a merge never locks another batch's row.

create or replace function enrich._queue_recounts(p_entity_ids uuid[]) returns void
language sql set search_path = '' as $$
  insert into enrich.queued_recounts (batch_id)
  select distinct i.batch_id from enrich.workflow_states ws
    join enrich.batch_items i on i.id = ws.item_id
   where ws.entity_id = any(p_entity_ids)
$$;
comment on function enrich._queue_recounts(uuid[]) is
  'Queues the batches whose items reached these entities for a recount of their distinct '
  'companies and people.';

-- enrich.refresh_entities: `enrich refresh`. Force re-enrichment of COMPLETED entities of a
-- workflow (older than a cutoff, or one id): they are queued again; items keep their
-- current result until the new one arrives (the newest result is the current one).

create or replace function enrich.refresh_entities(
  p_workflow text, p_older_than interval default null, p_entity_id uuid default null
) returns integer
language plpgsql set search_path = '' as $$
declare
  v_type   text;
  v_states text;
  v_id     text;
  v_ids    uuid[];
  v_entity uuid := p_entity_id;
begin
  v_type := enrich._workflow_entity_type(p_workflow);
  select t.states, t.id_column into v_states, v_id from enrich._entity_tables(v_type) t;
  if p_older_than is null and p_entity_id is null then
    raise exception using errcode = 'EN003',
      message = 'refresh needs an age (p_older_than) or an entity id';
  end if;
  -- an id merged away names the entity it was merged into
  v_entity := enrich._live_entity_id(p_entity_id);
  execute format($sql$
    with due as (
      select s.id from enrich.%1$I s
      where s.workflow_slug = $1 and s.status = 'COMPLETED'
        and ($2::interval is null or s.completed_at < now() - $2::interval)
        and ($3::uuid is null or s.%2$I = $3)
      order by s.%2$I
      for update),
    refreshed as (
      update enrich.%1$I s
         set status = 'IN_PROGRESS', attempts = 0, completed_at = null, started_at = now(),
             updated_at = now()
        from due where s.id = due.id
      returning s.%2$I)
    select coalesce(array_agg(%2$I), '{}') from refreshed
  $sql$, v_states, v_id)
    into v_ids using p_workflow, p_older_than, v_entity;
  perform enrich._queue_dispatches(p_workflow, v_type, v_ids, 'refresh');
  return cardinality(v_ids);
end;
$$;
comment on function enrich.refresh_entities(text, interval, uuid) is
  'Re-enriches COMPLETED entities of a workflow whose result is older than p_older_than (or '
  'the one p_entity_id): they go back to IN_PROGRESS with a dispatch. Returns how many.';

-- enrich.receive_results: many Clay callbacks of one workflow in one transaction (what
-- `enrich serve` does with callbacks that arrive together): one cascade for all.

create or replace function enrich.receive_results(p_workflow text, p_payloads jsonb[])
returns table (ord integer, outcome text, error_state text, error_message text)
language plpgsql set search_path = '' as $$
declare
  v_type      text;
  v_states    text;
  v_id_column text;
  v_id_key    text;
  v_id_text   text;
  v_payload   jsonb;
  v_item_entity uuid;
  v_n         integer := coalesce(cardinality(p_payloads), 0);
  v_entity    uuid[] := array_fill(null::uuid, array[v_n]);
  v_outcome   text[] := array_fill(null::text, array[v_n]);
  v_state     text[] := array_fill(null::text, array[v_n]);
  v_message   text[] := array_fill(null::text, array[v_n]);
  v_found     uuid[];
  v_statuses  text[];
  v_status    text;
  v_done      uuid[] := '{}';
  v_complete  integer[] := '{}';
  v_round     integer;
begin
  v_type := enrich._workflow_entity_type(p_workflow);
  select t.states, t.id_column into v_states, v_id_column from enrich._entity_tables(v_type) t;

  -- 1. Each payload: its entity id, or why it has none (EN003 malformed, EN002 unknown).
  for i in 1 .. v_n loop
    v_payload := p_payloads[i];
    v_id_key := v_id_column;
    if jsonb_typeof(v_payload) is distinct from 'object' then
      v_state[i] := 'EN003';
      v_message[i] := 'callback body must be a JSON object';
      continue;
    end if;
    if v_payload ? v_id_key then
      v_id_text := v_payload ->> v_id_key;
    elsif v_payload ? 'item_id' then
      v_id_key := 'item_id';
      v_id_text := v_payload ->> 'item_id';
    else
      v_state[i] := 'EN003';
      v_message[i] := format('callback for %s needs %s (or a batch item_id)', p_workflow, v_id_column);
      continue;
    end if;
    if v_id_text is null
       or v_id_text !~* '^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$' then
      v_state[i] := 'EN003';
      v_message[i] := format('%s must be a UUID, got %s', v_id_key,
                             left(coalesce(v_payload -> v_id_key, 'null')::text, 80));
      continue;
    end if;
    if v_id_key = 'item_id' then
      execute format('select %I from enrich.batch_items where id = $1', v_id_column)
        into v_item_entity using v_id_text::uuid;
      v_entity[i] := v_item_entity;
      if v_item_entity is null then
        v_state[i] := 'EN002';
        v_message[i] := format('unknown item %s (or it has no %s)', v_id_text, v_type);
      end if;
    else
      v_entity[i] := v_id_text::uuid;
    end if;
  end loop;

  -- An id merged away since it was sent names the entity it was merged into.
  if exists (select from enrich.entity_redirects r where r.old_id = any(v_entity)) then
    v_entity := array(select coalesce(r.entity_id, e.id)
                        from unnest(v_entity) with ordinality as e(id, n)
                        left join enrich.entity_redirects r on r.old_id = e.id
                       order by e.n);
  end if;

  -- 2. Lock the entities' rows, in id order (concurrent calls cannot deadlock on them): one
  --    of several concurrent callbacks for an entity completes it, the others then see
  --    COMPLETED and answer 'duplicate'. A merge that committed while we waited for a row
  --    (the row moved to the survivor, or went) is followed, and the survivor locked too.
  for v_round in 1 .. 3 loop
    execute format($sql$
      select coalesce(array_agg(l.id order by l.id), '{}'), coalesce(array_agg(l.status order by l.id), '{}')
      from (select s.%2$I as id, s.status from enrich.%1$I s
             where s.%2$I = any($1) and s.workflow_slug = $2
             order by s.%2$I for update) l
    $sql$, v_states, v_id_column)
      into v_found, v_statuses using v_entity, p_workflow;
    exit when not exists (select from unnest(v_entity) e(id)
                           join enrich.entity_redirects r on r.old_id = e.id
                          where e.id <> all(v_found));
    v_entity := array(select coalesce(r.entity_id, e.id)
                        from unnest(v_entity) with ordinality as e(id, n)
                        left join enrich.entity_redirects r
                               on r.old_id = e.id and e.id <> all(v_found)
                       order by e.n);
  end loop;

  -- 3. Outcomes, in arrival order: the first callback for an entity not yet COMPLETED
  --    completes it; every other one is a duplicate.
  for i in 1 .. v_n loop
    continue when v_entity[i] is null;
    v_status := v_statuses[array_position(v_found, v_entity[i])];
    if v_status is null then
      v_state[i] := 'EN002';
      v_message[i] := format('unknown %s %s for workflow %s', v_type, v_entity[i], p_workflow);
      v_entity[i] := null;
    elsif v_status = 'COMPLETED' or v_entity[i] = any(v_done) then
      v_outcome[i] := 'duplicate';
    else
      v_outcome[i] := 'completed';
      v_done := v_done || v_entity[i];
      v_complete := v_complete || i;
    end if;
  end loop;

  -- 4. Log every recorded callback, store each new result, settle the entities at once.
  insert into enrich.callback_log (workflow_slug, entity_type, entity_id, outcome, payload)
  select p_workflow, v_type, c.entity_id, c.outcome, c.payload
    from unnest(v_entity, v_outcome, p_payloads) with ordinality as c(entity_id, outcome, payload, n)
   where c.outcome is not null
   order by c.n;
  if cardinality(v_complete) > 0 then
    perform enrich._record_result(v_type, array(select v_entity[i] from unnest(v_complete) as i),
                                  p_workflow, array(select p_payloads[i] from unnest(v_complete) as i));
    perform enrich._settle_entity(p_workflow, v_done, 'COMPLETED');
    if v_type = 'company' then  -- a domain a result names for a company known without one
      perform enrich._learn_identifiers(p_workflow, array(select v_entity[i] from unnest(v_complete) as i),
                                        array(select p_payloads[i] from unnest(v_complete) as i));
    end if;
  end if;

  return query
    select r.n::integer, r.outcome, r.state, r.message
      from unnest(v_outcome, v_state, v_message) with ordinality as r(outcome, state, message, n);
end;
$$;
comment on function enrich.receive_results(text, jsonb[]) is
  'Many callbacks of one workflow in one transaction: per payload (in order) completed | '
  'duplicate, or the error it would raise alone (EN002 unknown entity, EN003 malformed) '
  'with nothing recorded for it. One cascade settles every entity completed. Raises EN001 '
  'for an unknown workflow.';

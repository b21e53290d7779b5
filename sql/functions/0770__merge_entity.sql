-- enrich._merge_entity: two entities of one type found to be one real-world company or
-- person (a row or a result brought identifiers of both): the loser is folded into the
-- survivor and never exists again; a redirect keeps its id answering for the survivor. No
-- merge ever causes a Clay call.
--
-- Per workflow, the survivor keeps the better state (a result over work in flight over a
-- failure), with both entities' paid calls. Work in flight keeps one dispatch, the one
-- furthest along (SENT, then LEASED, then QUEUED); the other's calls are booked to the state
-- (the ledger agrees) and a QUEUED one is simply never sent. When the merged state has a result, the dispatches left
-- are closed (their calls booked) and every waiting item completes. Items, their steps,
-- results, callbacks, identifiers, names and (for a company) its people move to the survivor.
-- Lock order: both entity rows, then their states, then their dispatches, each by id. The
-- caller recounts the entities of the batches involved (enrich._count_batch_entities), once.

create or replace function enrich._merge_entity(
  p_entity_type text, p_survivor uuid, p_loser uuid, p_linked_by text,
  p_batch_id uuid default null, p_cause text default 'batch'
) returns uuid
language plpgsql set search_path = '' as $$
declare
  t            record;
  v_survivor   uuid := p_survivor;
  v_loser      uuid := p_loser;
  v_both       uuid[];
  v_wf         record;
  v_kept       bigint;
  v_closed     bigint;
  v_completed  text[] := '{}';
  v_key        text;
  v_name       record;
  v_slug       text;
  v_status     text;
  v_paid_twice integer := 0;
begin
  select * into t from enrich._entity_tables(p_entity_type);
  -- an id merged away meanwhile lives on as its survivor
  v_survivor := enrich._live_entity_id(v_survivor);
  v_loser := enrich._live_entity_id(v_loser);
  if v_survivor = v_loser then
    return v_survivor;
  end if;
  v_both := array[least(v_survivor, v_loser), greatest(v_survivor, v_loser)];
  execute format('select from enrich.%I e where e.id = any($1) order by e.id for update',
                 t.entities) using v_both;
  execute format('select from enrich.%I s where s.%I = any($1) order by s.%2$I, s.workflow_slug
                  for update', t.states, t.id_column) using v_both;
  perform from enrich.dispatches d
   where (d.workflow_slug, d.entity_id) in (select w.slug, e.id from enrich.workflows w,
                                            unnest(v_both) e(id))
   order by d.id for update;

  -- 1. Per workflow of the loser: the better state, one dispatch at most.
  for v_wf in execute format($sql$
    select l.workflow_slug as slug, s.status as s_status,
           l.paid_calls + coalesce(ld.paid_calls, 0) > 0
             and s.paid_calls + coalesce(sd.paid_calls, 0) > 0 as paid_twice,
           case when coalesce(l.status = 'COMPLETED', false) then 3
                when l.status in ('IN_PROGRESS', 'PENDING') then 2 else 1 end
           > case when s.status = 'COMPLETED' then 3
                  when s.status in ('IN_PROGRESS', 'PENDING') then 2 else 1 end as takes_loser,
           ld.id as l_dispatch, ld.status as l_dstatus, sd.id as s_dispatch, sd.status as s_dstatus
    from enrich.%1$I l
    left join enrich.%1$I s on s.%2$I = $1 and s.workflow_slug = l.workflow_slug
    left join enrich.dispatches ld on ld.workflow_slug = l.workflow_slug and ld.entity_id = $2
    left join enrich.dispatches sd on sd.workflow_slug = l.workflow_slug and sd.entity_id = $1
    where l.%2$I = $2
  $sql$, t.states, t.id_column) using v_survivor, v_loser
  loop
    if v_wf.s_status is null then  -- the survivor had none: the loser's moves as it is
      execute format('update enrich.%I set %I = $1 where %2$I = $2 and workflow_slug = $3',
                     t.states, t.id_column) using v_survivor, v_loser, v_wf.slug;
      update enrich.dispatches d set entity_id = v_survivor where d.id = v_wf.l_dispatch;
      continue;
    end if;
    execute format($sql$
      update enrich.%1$I s
         set paid_calls = s.paid_calls + l.paid_calls,
             status = case when $4 then l.status else s.status end,
             attempts = case when $4 then l.attempts else s.attempts end,
             started_at = case when $4 then l.started_at else s.started_at end,
             completed_at = case when $4 then l.completed_at else s.completed_at end,
             failed_at = case when $4 then l.failed_at else s.failed_at end,
             last_error = case when $4 then l.last_error else s.last_error end,
             meta = case when $4 then l.meta else s.meta end,
             updated_at = now()
        from enrich.%1$I l
       where s.%2$I = $1 and s.workflow_slug = $3 and l.%2$I = $2 and l.workflow_slug = $3
    $sql$, t.states, t.id_column) using v_survivor, v_loser, v_wf.slug, v_wf.takes_loser;
    execute format('delete from enrich.%I where %I = $1 and workflow_slug = $2',
                   t.states, t.id_column) using v_loser, v_wf.slug;
    if v_wf.l_dispatch is not null and v_wf.s_dispatch is not null then
      -- both in flight: the one furthest along goes on, carrying the other's calls
      if array_position(array['QUEUED', 'LEASED', 'SENT'], v_wf.l_dstatus)
         > array_position(array['QUEUED', 'LEASED', 'SENT'], v_wf.s_dstatus) then
        v_kept := v_wf.l_dispatch; v_closed := v_wf.s_dispatch;
      else
        v_kept := v_wf.s_dispatch; v_closed := v_wf.l_dispatch;
      end if;
      execute format($sql$
        with closed as (delete from enrich.dispatches d where d.id = $2 returning d.paid_calls)
        update enrich.%1$I s set paid_calls = s.paid_calls + c.paid_calls
          from closed c where s.%2$I = $1 and s.workflow_slug = $3
      $sql$, t.states, t.id_column) using v_survivor, v_closed, v_wf.slug;
      update enrich.dispatches d set entity_id = v_survivor, updated_at = now()
       where d.id = v_kept;
    elsif v_wf.l_dispatch is not null then
      update enrich.dispatches d set entity_id = v_survivor where d.id = v_wf.l_dispatch;
    end if;
    v_completed := v_completed || v_wf.slug;  -- settled below if the state has a result
    v_paid_twice := v_paid_twice + case when v_wf.paid_twice then 1 else 0 end;
  end loop;

  -- 2. Everything that named the loser names the survivor.
  execute format('update enrich.%I set %I = $1 where %2$I = $2', t.results, t.id_column)
    using v_survivor, v_loser;
  update enrich.callback_log c set entity_id = v_survivor
   where c.entity_type = p_entity_type and c.entity_id = v_loser;
  execute format('update enrich.%I i set %I = $1 where i.%2$I = $2', p_entity_type || '_identifiers',
                 t.id_column) using v_survivor, v_loser;
  if p_entity_type = 'company' then
    insert into enrich.company_names (name, company_id)
    select n.name, v_survivor from enrich.company_names n where n.company_id = v_loser
    on conflict do nothing;
    delete from enrich.company_names n where n.company_id = v_loser;
    -- people known by name at the loser are known by name at the survivor; one already
    -- known so there is the same person
    for v_name in
      select pi.value, pi.person_id, o.person_id as other_id
      from enrich.normalized_people p
      join enrich.person_identifiers pi on pi.person_id = p.id and pi.kind = 'name_at_company'
      left join enrich.person_identifiers o
             on o.kind = 'name_at_company'
            and o.value = left(pi.value, length(pi.value) - 36) || v_survivor::text
      where p.company_id = v_loser and right(pi.value, 36) = v_loser::text
    loop
      if v_name.other_id is null then
        update enrich.person_identifiers pi
           set value = left(pi.value, length(pi.value) - 36) || v_survivor::text
         where pi.kind = 'name_at_company' and pi.value = v_name.value;
      else
        delete from enrich.person_identifiers pi
         where pi.kind = 'name_at_company' and pi.value = v_name.value;
        perform enrich._merge_entity('person', v_name.other_id, v_name.person_id,
                                     'name_at_company:' || v_name.value, p_batch_id, p_cause);
      end if;
    end loop;
    update enrich.normalized_people p set company_id = v_survivor where p.company_id = v_loser;
    v_key := enrich._company_key_of(v_survivor);
  else
    select p.person_key into v_key from enrich.normalized_people p where p.id = v_survivor;
  end if;
  -- the items that reached a step of the loser (found by the steps' entity index); items
  -- that have not reached one yet are redirected when they enter it
  execute format($sql$
    update enrich.batch_items i set %1$I = $1, %2$I = $3
      from enrich.workflow_states ws
     where ws.entity_id = $2 and i.id = ws.item_id and i.%1$I = $2
  $sql$, t.id_column, p_entity_type || '_key') using v_survivor, v_loser, v_key;
  update enrich.workflow_states ws
     set entity_id = v_survivor,
         meta = ws.meta || jsonb_build_object(t.id_column, v_survivor)
   where ws.entity_id = v_loser;
  update enrich.entity_redirects r set entity_id = v_survivor where r.entity_id = v_loser;
  insert into enrich.entity_redirects (entity_type, old_id, entity_id)
  values (p_entity_type, v_loser, v_survivor);
  insert into enrich.entity_merges
    (entity_type, survivor_id, loser_id, linked_by, batch_id, cause, calls_paid_twice)
  values (p_entity_type, v_survivor, v_loser, p_linked_by, p_batch_id, p_cause, v_paid_twice);

  -- 3. The loser goes; the survivor keeps what it lacked of the loser's fields.
  if p_entity_type = 'company' then
    with gone as (delete from enrich.normalized_companies c where c.id = v_loser
                  returning c.domain, c.name, c.website)
    update enrich.normalized_companies c
       set domain = coalesce(c.domain, g.domain), name = coalesce(c.name, g.name),
           website = coalesce(c.website, g.website), updated_at = now()
      from gone g where c.id = v_survivor;
  else
    with gone as (delete from enrich.normalized_people p where p.id = v_loser
                  returning p.email, p.first_name, p.last_name, p.full_name, p.linkedin_url,
                            p.title)
    update enrich.normalized_people p
       set email = coalesce(p.email, g.email), first_name = coalesce(p.first_name, g.first_name),
           last_name = coalesce(p.last_name, g.last_name),
           full_name = coalesce(p.full_name, g.full_name),
           linkedin_url = coalesce(p.linkedin_url, g.linkedin_url),
           title = coalesce(p.title, g.title), updated_at = now()
      from gone g where p.id = v_survivor;
  end if;

  -- 4. Workflows whose merged state has a result: dispatches left close (their calls
  --    booked), waiting items complete.
  foreach v_slug in array v_completed loop
    execute format('select s.status from enrich.%I s where s.%I = $1 and s.workflow_slug = $2',
                   t.states, t.id_column)
      into v_status using v_survivor, v_slug;
    if v_status = 'COMPLETED' then
      perform enrich._settle_entity(v_slug, v_survivor, 'COMPLETED');
    end if;
  end loop;
  return v_survivor;
end;
$$;
comment on function enrich._merge_entity(text, uuid, uuid, text, uuid, text) is
  'Folds the loser into the survivor (both entities of p_entity_type; ids merged away before '
  'are followed): per workflow the better state with both paid-call counts and one dispatch '
  'at most, results, callbacks, identifiers, item steps and people move; the merge is '
  'recorded in entity_merges with a redirect from the loser''s id. Returns the survivor.';

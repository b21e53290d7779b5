-- enrich._settle_entity: an entity's enrichment ends (COMPLETED or FAILED) and every linked
-- item follows in the same transaction. The single place where entities finish.
-- Set-based: _settle_entity(slug, ids[], …) settles many entities of one workflow with one
-- cascade (one trigger run, one _advance_items, one batch refresh); the one-entity form is
-- that with a single id.

create or replace function enrich._settle_entity(
  p_slug text, p_entity_ids uuid[], p_status text, p_error text default null
) returns void
language plpgsql set search_path = ''
-- Index scans only: a session reuses generic plans of these statements, and one made while
-- the tables were small (a demo batch) must not keep scanning them whole after a million-row
-- batch lands. Every lookup here has its index.
set enable_seqscan = off as $$
declare
  v_states    text;
  v_id        text;
  v_ids       uuid[];
  v_batch_ids uuid[];
  v_moves_on  boolean;
begin
  if p_status not in ('COMPLETED', 'FAILED') then
    raise exception using errcode = 'EN003',
      message = format('an entity settles as COMPLETED or FAILED, not %s', quote_literal(p_status));
  end if;
  select t.states, t.id_column into strict v_states, v_id
    from enrich.workflows w cross join enrich._entity_tables(w.entity_type) t
   where w.slug = p_slug;
  v_ids := array(select distinct e from unnest(p_entity_ids) as e where e is not null order by 1);
  if cardinality(v_ids) = 0 then
    return;
  end if;

  -- Items that move on to a next step make claims there (entity rows, dispatches): lock
  -- their batches first, in id order, so concurrent settlements cannot deadlock on the
  -- batch locks _refresh_batch_status takes after those claims. Items at their last step
  -- (or failing) make no claims: their batches are locked only by _refresh_batch_status at
  -- the end of the cascade, so concurrent results for one big batch do not queue for its
  -- row during the whole cascade.
  select array_agg(b.id order by b.id),
         coalesce(bool_or(b.steps[array_position(b.steps, p_slug) + 1] is not null), false)
    into v_batch_ids, v_moves_on
    from enrich.batches b
   where b.id in (select i.batch_id from enrich.workflow_states ws
                   join enrich.batch_items i on i.id = ws.item_id
                  where ws.step_name = p_slug and ws.entity_id = any(v_ids)
                    and ws.status in ('PENDING', 'IN_PROGRESS', 'WAITING', 'FAILED'));
  if p_status = 'COMPLETED' and v_moves_on then
    perform 1 from enrich.batches b where b.id = any(v_batch_ids) order by b.id
       for no key update;
  end if;

  execute format($sql$
    with gone as (
      delete from enrich.dispatches d
       where d.workflow_slug = $2 and d.entity_id = any($1)
      returning d.entity_id, d.attempt, d.paid_calls
    )
    update enrich.%1$I s
       set status = $3,
           attempts = coalesce(g.attempt, s.attempts),
           paid_calls = s.paid_calls + coalesce(g.paid_calls, 0),
           last_error = case when $3 = 'FAILED' then $4 else s.last_error end,
           -- (a merge settles a state that already has its result: it keeps its time)
           completed_at = case when $3 = 'COMPLETED' and s.status = 'COMPLETED' then s.completed_at
                               when $3 = 'COMPLETED' then now() end,
           failed_at = case when $3 = 'FAILED' then now() end,
           updated_at = now()
      from unnest($1) as e(id) left join gone g on g.entity_id = e.id
     where s.%2$I = e.id and s.workflow_slug = $2
  $sql$, v_states, v_id)
  using v_ids, p_slug, p_status, p_error;

  -- Cascade. A late result also completes items that had failed with the entity.
  update enrich.workflow_states ws
     set status = p_status,
         meta = case when p_status = 'FAILED'
                     then ws.meta || jsonb_build_object('error', p_error)
                     else ws.meta - 'error' end,
         completed_at = case when p_status = 'COMPLETED' then now() end,
         failed_at = case when p_status = 'FAILED' then now() end,
         updated_at = now()
   where ws.step_name = p_slug and ws.entity_id = any(v_ids)
     and (ws.status in ('PENDING', 'IN_PROGRESS', 'WAITING')
          or (p_status = 'COMPLETED' and ws.status = 'FAILED'));
end;
$$;
comment on function enrich._settle_entity(text, uuid[], text, text) is
  'Entities of one workflow -> COMPLETED | FAILED: deletes their dispatches, updates their '
  'states, and cascades the same status to every linked unfinished item in one statement '
  '(COMPLETED also revives items that failed with them). The workflow_states update '
  'trigger then moves those items on.';

create or replace function enrich._settle_entity(
  p_slug text, p_entity_id uuid, p_status text, p_error text default null
) returns void
language sql set search_path = '' as $$
  select enrich._settle_entity(p_slug, array[p_entity_id], p_status, p_error)
$$;
comment on function enrich._settle_entity(text, uuid, text, text) is
  'Entity -> COMPLETED | FAILED: deletes its dispatch, updates its state, and cascades the '
  'same status to every linked unfinished item (COMPLETED also revives items that failed '
  'with it). The workflow_states update trigger then moves those items on.';

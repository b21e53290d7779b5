-- Entity step: each item's entity (company or person) is claimed ONCE per workflow.
-- The claiming item is IN_PROGRESS, the others WAITING; a fresh result completes items at once.

create or replace function enrich._step_enter_entity_workflow(p_slug text, p_item_ids uuid[])
returns void
language plpgsql set search_path = ''
-- Its statements are dynamic (planned at each EXECUTE, arrays as constants), so the caller's
-- force_custom_plan is not needed here; left on, it would reach the foreign-key check of each
-- claim, whose saved plan would then be planned afresh for every claim of a batch.
set plan_cache_mode = auto as $$
declare
  v_type     text;
  v_ttl      interval;
  v_states   text;
  v_id       text;
  v_entities uuid[];
  v_claimed  uuid[];
  v_reclaimed uuid[];
  v_keyless  boolean;
  v_settled  uuid[];
  v_finished_ids uuid[];
  v_finished_statuses text[];
  v_held     record;
  v_held_ids uuid[];  -- claims held until their load's check
  v_try      integer;
begin
  -- locked, so the workflow cannot be deleted before our claims and dispatches commit (they
  -- have no per-row foreign key to it: migration 0007)
  select w.entity_type, w.ttl into v_type, v_ttl from enrich.workflows w where w.slug = p_slug
  for key share;
  if not found then
    raise exception using errcode = 'EN001',
      message = format('unknown step or workflow %s', quote_literal(p_slug)),
      hint = 'Create the workflow with `enrich workflow set` or fix the pipeline''s steps.';
  end if;
  select t.states, t.id_column into v_states, v_id from enrich._entity_tables(v_type) t;
  execute format('select array(select distinct i.%1$I from enrich.batch_items i
                                 where i.id = any($1))', v_id)
    into v_entities using p_item_ids;  -- (a hashed distinct: array_agg(distinct) sorts)
  -- 1. Claim entities nobody has claimed yet: one atomic insert; a concurrent transaction
  --    inserting the same entity waits for us, then skips it (ON CONFLICT DO NOTHING). An
  --    item whose entity was merged away since its split (before, or while we waited on the
  --    merge's lock: the claim's foreign key then fails) follows the redirect to the
  --    survivor, and the claim is made again.
  for v_try in 1 .. 3 loop
    if exists (select from enrich.entity_redirects r where r.old_id = any(v_entities)) then
      execute format($sql$
        update enrich.batch_items i set %1$I = r.entity_id
          from enrich.entity_redirects r
         where i.id = any($1) and r.old_id = i.%1$I
      $sql$, v_id) using p_item_ids;
      execute format('select array(select distinct i.%1$I from enrich.batch_items i
                                     where i.id = any($1))', v_id)
        into v_entities using p_item_ids;
    end if;
    begin
      execute format($sql$
        with claimed as (
          insert into enrich.%1$I (%2$I, workflow_slug, status, started_at)
          select e, $1, 'IN_PROGRESS', now() from unnest($2) as e where e is not null order by 1
          on conflict (%2$I, workflow_slug) do nothing
          returning %2$I)
        select coalesce(array_agg(%2$I), '{}') from claimed
      $sql$, v_states, v_id) into v_claimed using p_slug, v_entities;
      exit;
    exception when foreign_key_violation then
      if v_try = 3 then
        raise;
      end if;
    end;
  end loop;
  v_keyless := array_position(v_entities, null) is not null;  -- items with no entity
  v_entities := array_remove(v_entities, null);

  -- 2. Re-claim entities that are PENDING, or COMPLETED with a result older than the TTL.
  execute format($sql$
    with due as (
      select s.id from enrich.%1$I s
      where s.workflow_slug = $1
        and s.%2$I = any($2)
        and (s.status = 'PENDING'
             or (s.status = 'COMPLETED' and $3::interval is not null
                 and s.completed_at < now() - $3::interval))
      order by s.%2$I
      for update),
    reclaimed as (
      update enrich.%1$I s
         set status = 'IN_PROGRESS', started_at = now(), completed_at = null, failed_at = null,
             attempts = 0, last_error = null, updated_at = now()
        from due where s.id = due.id
      returning s.%2$I)
    select coalesce(array_agg(%2$I), '{}') from reclaimed
  $sql$, v_states, v_id) into v_reclaimed using p_slug, v_entities, v_ttl;
  v_claimed := v_claimed || v_reclaimed;

  -- 3. Every claim becomes a dispatch; one NOTIFY per transaction wakes the workers. A claim
  --    whose claiming item (the first, as in 4.) is of a load in parts waiting for its
  --    --max-new-calls check is held until finish_loading (one index probe when none is).
  if cardinality(v_claimed) > 0
     and exists (select from enrich.batches b
                 where b.status = 'LOADING' and b.max_new_calls is not null) then
    for v_held in execute format($sql$
      select f.batch_id, array_agg(f.entity_id) as entity_ids
      from (select distinct on (i.%1$I) i.%1$I as entity_id, i.batch_id
              from enrich.batch_items i
             where i.id = any($1) and i.%1$I = any($2)
             order by i.%1$I, i.batch_id, i.row_number) f
      join enrich.batches b on b.id = f.batch_id
      where b.status = 'LOADING' and b.max_new_calls is not null
      group by f.batch_id
    $sql$, v_id) using p_item_ids, v_claimed
    loop
      perform enrich._queue_dispatches(p_slug, v_type, v_held.entity_ids, 'batch',
                                       v_held.batch_id, p_held => true);
      v_held_ids := v_held_ids || v_held.entity_ids;
    end loop;
  end if;
  perform enrich._queue_dispatches(
    p_slug, v_type,
    case when v_held_ids is null then v_claimed
         else array(select e from unnest(v_claimed) e where e <> all(v_held_ids)) end);

  -- 4. Items: the first item (by batch, row) of an entity we claimed is IN_PROGRESS, the
  --    others wait on it. Entities claimed before us are read under a share lock (so a
  --    concurrent result cannot complete one between our read and our commit); ours are
  --    locked already. The first item per entity is found for every entity (one sort),
  --    which costs less than filtering the items by the claimed ones first.
  execute format($sql$
    with items as (
      select i.id as item_id, i.%2$I as entity_id, i.batch_id, i.row_number
      from enrich.batch_items i where i.id = any($2)
    ),
    claimed_before as (
      select s.%2$I as entity_id, s.status, s.last_error from enrich.%1$I s
      where s.workflow_slug = $1 and s.%2$I = any($5) and s.%2$I <> all($3)
      order by s.%2$I
      for share
    ),
    firsts as (
      select distinct on (entity_id) item_id from items
      where entity_id is not null
      order by entity_id, batch_id, row_number
    ),
    decided as (
      select it.item_id, it.entity_id, it.batch_id,
             case when it.entity_id is null then 'FAILED'
                  when e.entity_id is null and f.item_id is not null then 'IN_PROGRESS'
                  when e.entity_id is null then 'WAITING'
                  when e.status in ('PENDING', 'IN_PROGRESS') then 'WAITING'
                  when e.status = 'COMPLETED' then 'COMPLETED'
                  else 'FAILED' end as status,
             e.last_error
      from items it
      left join claimed_before e on e.entity_id = it.entity_id
      left join firsts f on f.item_id = it.item_id
    ),
    described as (  -- what meta says: why the item needs no call of its own, and its error
      select d.*,
             case when d.entity_id is not null and d.status <> 'IN_PROGRESS'
                  then $4 || case d.status when 'WAITING' then '_enrichment_in_progress'
                                           when 'COMPLETED' then '_already_enriched'
                                           else '_enrichment_failed' end
             end as skipped,
             case when d.entity_id is null then format('no %%s key: nothing to enrich', $4)
                  when d.status = 'FAILED' then d.last_error end as error
      from decided d
    ),
    inserted as (
      insert into enrich.workflow_states
        (item_id, step_name, status, entity_id, meta, completed_at, failed_at)
      select d.item_id, $1, d.status, d.entity_id,
             jsonb_strip_nulls(jsonb_build_object($6, d.entity_id, 'skipped', d.skipped,
                                                  'error', d.error)),
             case when d.status = 'COMPLETED' then now() end,
             case when d.status = 'FAILED' then now() end
      from described d
    )
    -- and their counts (enrich.batch_counts)
    select enrich._count_states(array_agg(c.batch_id), array_fill($1, array[count(*)::integer]),
                                array_agg(c.status), array_agg(c.skipped), array_agg(c.error),
                                array_agg(c.n))
    from (select d.batch_id, d.status, d.skipped is not null as skipped,
                 coalesce(d.error, '') as error, count(*) as n
          from described d group by 1, 2, 3, 4) c
  $sql$, v_states, v_id) using p_slug, p_item_ids, v_claimed, v_type, v_entities, v_id;

  -- 5. The items that finished at once (no key, or an entity claimed before us that is
  --    COMPLETED or FAILED: share-locked above, so unchanged until we commit) move on: the
  --    steps hand their finished rows to the orchestrator (sql/triggers/0700's header says why).
  execute format($sql$
    select array_agg(s.%2$I) from enrich.%1$I s
    where s.workflow_slug = $1 and s.%2$I = any($2) and s.%2$I <> all($3)
      and s.status in ('COMPLETED', 'FAILED')
  $sql$, v_states, v_id) into v_settled using p_slug, v_entities, v_claimed;
  if v_keyless or v_settled is not null then
    execute format($sql$
      select array_agg(i.id), array_agg(coalesce(s.status, 'FAILED'))
      from enrich.batch_items i
      left join enrich.%1$I s
             on s.workflow_slug = $1 and s.%2$I = i.%2$I and s.%2$I = any($3)
      where i.id = any($2) and (i.%2$I is null or i.%2$I = any($3))
    $sql$, v_states, v_id) into v_finished_ids, v_finished_statuses
      using p_slug, p_item_ids, coalesce(v_settled, '{}');
    perform enrich._advance_items(v_finished_ids,
                                  array_fill(p_slug, array[cardinality(v_finished_ids)]),
                                  v_finished_statuses);
  end if;
end;
$$;
comment on function enrich._step_enter_entity_workflow(text, uuid[]) is
  'Entity step: claims each unclaimed (or PENDING, or stale) entity exactly once and queues '
  'a dispatch; the first item of a claimed entity is IN_PROGRESS, other items WAITING '
  '(meta.skipped=<type>_enrichment_in_progress); items of a fresh COMPLETED entity complete '
  'at once (<type>_already_enriched); items of a FAILED entity fail with its error.';

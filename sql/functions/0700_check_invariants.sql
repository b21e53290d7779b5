-- enrich.check_invariants: what `enrich doctor` reports. Each row is one violation of the
-- state machine's promises, with the ids needed to look at it. No rows: all is well.

create or replace function enrich.check_invariants()
returns table (invariant text, subject_id text, detail text)
language sql stable set search_path = '' as $$
  -- an item waits (or is in progress) on an entity that has already finished
  select 'item_waiting_on_finished_entity', ws.item_id::text,
         format('%s is %s but its entity %s is %s', ws.step_name, ws.status, ws.entity_id, s.status)
  from enrich.workflow_states ws
  join enrich.company_workflow_states s on s.company_id = ws.entity_id and s.workflow_slug = ws.step_name
  where ws.status in ('WAITING', 'IN_PROGRESS') and s.status in ('COMPLETED', 'FAILED')
  union all
  select 'item_waiting_on_finished_entity', ws.item_id::text,
         format('%s is %s but its entity %s is %s', ws.step_name, ws.status, ws.entity_id, s.status)
  from enrich.workflow_states ws
  join enrich.person_workflow_states s on s.person_id = ws.entity_id and s.workflow_slug = ws.step_name
  where ws.status in ('WAITING', 'IN_PROGRESS') and s.status in ('COMPLETED', 'FAILED')
  union all
  -- an item waits (or is in progress) on an entity nobody has claimed: nothing will send it
  -- (a step that found the entity claimed while a refused load in parts took it back)
  select 'item_waiting_on_unclaimed_entity', ws.item_id::text,
         format('%s is %s but its %s %s is %s: claim it with select '
                'enrich.set_%s_workflow_status(%L, %L, ''IN_PROGRESS'')', ws.step_name,
                ws.status, w.entity_type, ws.entity_id, coalesce(s.status, p.status, 'unclaimed'),
                w.entity_type, ws.entity_id, ws.step_name)
  from enrich.workflow_states ws
  join enrich.workflows w on w.slug = ws.step_name
  left join enrich.company_workflow_states s
         on w.entity_type = 'company' and s.company_id = ws.entity_id
        and s.workflow_slug = ws.step_name
  left join enrich.person_workflow_states p
         on w.entity_type = 'person' and p.person_id = ws.entity_id
        and p.workflow_slug = ws.step_name
  where ws.status in ('WAITING', 'IN_PROGRESS') and ws.entity_id is not null
    and coalesce(s.status, p.status, 'PENDING') = 'PENDING'
  union all
  -- an entity in progress that nothing will ever send or time out
  select 'entity_in_progress_without_dispatch', s.company_id::text,
         format('company %s is IN_PROGRESS for %s with no dispatch', s.company_id, s.workflow_slug)
  from enrich.company_workflow_states s
  where s.status = 'IN_PROGRESS'
    and not exists (select from enrich.dispatches d
                    where d.workflow_slug = s.workflow_slug and d.entity_id = s.company_id)
  union all
  select 'entity_in_progress_without_dispatch', s.person_id::text,
         format('person %s is IN_PROGRESS for %s with no dispatch', s.person_id, s.workflow_slug)
  from enrich.person_workflow_states s
  where s.status = 'IN_PROGRESS'
    and not exists (select from enrich.dispatches d
                    where d.workflow_slug = s.workflow_slug and d.entity_id = s.person_id)
  union all
  -- a lease that expired and nobody reaped (is any worker running?)
  select 'dispatch_lease_expired', d.id::text,
         format('leased by %s until %s', d.leased_by, d.leased_until)
  from enrich.dispatches d
  where d.status = 'LEASED' and d.leased_until < now() - interval '1 minute'
  union all
  -- a COMPLETED entity must have its data
  select 'completed_entity_without_result', s.company_id::text,
         format('company %s COMPLETED for %s without a result', s.company_id, s.workflow_slug)
  from enrich.company_workflow_states s
  where s.status = 'COMPLETED'
    and not exists (select from enrich.company_enrichment_results r
                    where r.company_id = s.company_id and r.workflow_slug = s.workflow_slug)
  union all
  select 'completed_entity_without_result', s.person_id::text,
         format('person %s COMPLETED for %s without a result', s.person_id, s.workflow_slug)
  from enrich.person_workflow_states s
  where s.status = 'COMPLETED'
    and not exists (select from enrich.person_enrichment_results r
                    where r.person_id = s.person_id and r.workflow_slug = s.workflow_slug)
  union all
  -- links that have no foreign key (a per-row check at bulk scale, see migrations 0003,
  -- 0005 and 0007)
  select 'orphaned_link', ws.id::text,
         format('workflow state %s of missing item %s', ws.step_name, ws.item_id)
  from enrich.workflow_states ws
  where not exists (select from enrich.batch_items i where i.id = ws.item_id)
  union all
  select 'orphaned_link', i.id::text, format('item of missing batch %s', i.batch_id)
  from enrich.batch_items i
  where not exists (select from enrich.batches b where b.id = i.batch_id)
  union all
  select 'orphaned_link', i.id::text,
         format('item links to missing %s', concat_ws(' and ',
           case when i.company_id is not null and c.id is null then 'company ' || i.company_id end,
           case when i.person_id is not null and p.id is null then 'person ' || i.person_id end))
  from enrich.batch_items i
  -- (an id merged away is followed: the item moves to the survivor when it enters the step)
  left join enrich.entity_redirects rc on rc.old_id = i.company_id
  left join enrich.normalized_companies c on c.id = coalesce(rc.entity_id, i.company_id)
  left join enrich.entity_redirects rp on rp.old_id = i.person_id
  left join enrich.normalized_people p on p.id = coalesce(rp.entity_id, i.person_id)
  where (i.company_id is not null and c.id is null) or (i.person_id is not null and p.id is null)
  union all
  select 'orphaned_link', p.id::text, format('person links to missing %s', concat_ws(' and ',
           case when p.batch_item_id is not null and i.id is null then 'item ' || p.batch_item_id end,
           case when p.company_id is not null and c.id is null then 'company ' || p.company_id end))
  from enrich.normalized_people p
  left join enrich.batch_items i on i.id = p.batch_item_id
  left join enrich.normalized_companies c on c.id = p.company_id
  where (p.batch_item_id is not null and i.id is null) or (p.company_id is not null and c.id is null)
  union all
  -- every identifier names a live entity (a merge moves the loser's to the survivor)
  select 'identifier_of_missing_entity', i.kind || ':' || i.value,
         format('names missing company %s', i.company_id)
  from enrich.company_identifiers i
  where not exists (select from enrich.normalized_companies c where c.id = i.company_id)
  union all
  select 'identifier_of_missing_entity', i.kind || ':' || i.value,
         format('names missing person %s', i.person_id)
  from enrich.person_identifiers i
  where not exists (select from enrich.normalized_people p where p.id = i.person_id)
  union all
  select 'orphaned_link', r.id, format('%s of missing workflow %s', r.kind, r.workflow_slug)
  from (select s.company_id::text, s.workflow_slug, 'company state'
          from enrich.company_workflow_states s
        union all
        select s.person_id::text, s.workflow_slug, 'person state'
          from enrich.person_workflow_states s
        union all
        select d.id::text, d.workflow_slug, 'dispatch' from enrich.dispatches d
       ) as r(id, workflow_slug, kind)
  where not exists (select from enrich.workflows w where w.slug = r.workflow_slug)
  union all
  -- a batch's status must agree with its items
  select 'batch_status_disagrees_with_items', b.id::text,
         format('batch is %s; unfinished items: %s', b.status,
                (select count(*) from enrich.batch_items i where i.batch_id = b.id and i.finished_at is null))
  from enrich.batches b
  where b.status <> 'LOADING'
    and (b.status = 'COMPLETED')
        = exists (select from enrich.batch_items i where i.batch_id = b.id and i.finished_at is null)
  union all
  -- a load in parts whose loader is gone (no live heartbeat, enrich.processes)
  select 'loading_batch_abandoned', b.id::text,
         format('LOADING since %s and its loader is gone: keep the rows it loaded with '
                'select enrich.finish_loading(%L), or delete them with '
                'select enrich.discard_loading_batch(%L)', b.created_at, b.id, b.id)
  from enrich.batches b
  where b.status = 'LOADING'
    and not exists (select from enrich._live_loaders(b.id))
  union all
  -- the paid-call ledger agrees with the calls its entities and dispatches hold
  select 'paid_calls_ledger_disagrees', w.slug,
         format('ledger %s paid calls, entities and dispatches %s', l.calls, e.calls)
  from enrich.workflows w
  cross join lateral (select coalesce(sum(p.calls), 0) as calls from enrich.paid_calls p
                       where p.workflow_slug = w.slug) l
  cross join lateral (
    select (select coalesce(sum(s.paid_calls), 0) from enrich.company_workflow_states s
             where s.workflow_slug = w.slug)
         + (select coalesce(sum(s.paid_calls), 0) from enrich.person_workflow_states s
             where s.workflow_slug = w.slug)
         + (select coalesce(sum(d.paid_calls), 0) from enrich.dispatches d
             where d.workflow_slug = w.slug) as calls) e
  where l.calls <> e.calls
  union all
  -- no dispatch is paid for more often than its workflow's paid re-sends allow
  select 'dispatch_paid_beyond_resends', d.id::text,
         format('%s paid calls for %s %s; the workflow allows %s re-send(s)',
                d.paid_calls, d.entity_type, d.entity_id, w.resends)
  from enrich.dispatches d join enrich.workflows w on w.slug = d.workflow_slug
  where d.paid_calls > 1 + w.resends
  union all
  -- the kept counts (enrich.batch_counts) agree with a full count of the item steps
  select 'batch_counts_disagree', coalesce(a.batch_id, k.batch_id)::text,
         format('%s %s%s%s: kept %s, counted %s', coalesce(a.step_name, k.step_name),
                coalesce(a.status, k.status),
                case when coalesce(a.skipped, k.skipped) then ' (skipped)' else '' end,
                case when coalesce(a.error, k.error) <> ''
                     then ' ' || quote_literal(coalesce(a.error, k.error)) else '' end,
                coalesce(k.n, 0), coalesce(a.n, 0))
  from (select i.batch_id, ws.step_name, ws.status, ws.meta ? 'skipped' as skipped,
               enrich._state_error(ws.status, ws.meta) as error, count(*) as n
        from enrich.workflow_states ws join enrich.batch_items i on i.id = ws.item_id
        group by 1, 2, 3, 4, 5) a
  full join (select c.batch_id, c.step_name, c.status, c.skipped, c.error, sum(c.n) as n
             from enrich.batch_counts c group by 1, 2, 3, 4, 5 having sum(c.n) <> 0) k
    on k.batch_id = a.batch_id and k.step_name = a.step_name and k.status = a.status
   and k.skipped = a.skipped and k.error = a.error
  where a.n is distinct from k.n
  union all
  -- an item's status is what its steps say (status pages read item counts from the steps'):
  -- FAILED with exactly one FAILED step, COMPLETED with its last step COMPLETED
  select 'item_status_disagrees_with_steps', i.id::text,
         format('item is %s; its steps: %s', i.status,
                string_agg(ws.step_name || ' ' || ws.status, ', ' order by ws.created_at))
  from enrich.batch_items i
  join enrich.batches b on b.id = i.batch_id
  join enrich.workflow_states ws on ws.item_id = i.id
  group by i.id, i.status, b.steps
  having (i.status = 'FAILED') <> (count(*) filter (where ws.status = 'FAILED') = 1)
      or count(*) filter (where ws.status = 'FAILED') > 1
      or (i.status = 'COMPLETED')
         <> bool_or(ws.step_name = b.steps[cardinality(b.steps)] and ws.status = 'COMPLETED')
$$;
comment on function enrich.check_invariants() is
  'Violations of the state machine''s invariants (none expected): items waiting on finished '
  'or unclaimed entities, IN_PROGRESS entities without a dispatch, expired unreaped leases, COMPLETED '
  'entities without a result, rows linking to missing items, companies, people or '
  'workflows, identifiers naming no live entity, batches whose status disagrees with their items, loads in parts whose loader '
  'is gone, a paid-call ledger that disagrees with its entities, a dispatch paid for more '
  'often than its workflow''s re-sends allow, kept batch counts that disagree with a full '
  'count, an item whose status disagrees with its steps.';

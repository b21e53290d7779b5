-- enrich._batches_progress: batches' progress from their kept counts (enrich.batch_counts):
-- what `enrich status`, `enrich run`, the dashboard and enrich.recent_batches show. Reads a
-- few rows per batch step, whatever the batch's size.

create or replace function enrich._batches_progress(p_batch_ids uuid[])
returns table (batch_id uuid, progress jsonb)
language sql stable set search_path = '' as $$
  with wanted as (
    select b.*, w.position,
           case when b.status = 'LOADING'  -- the committed parts' rows
                then (select coalesce(sum(p.item_count), 0) from enrich.loading_batch_parts p
                       where p.batch_id = b.id)
                else b.item_count end as total
    from unnest(p_batch_ids) with ordinality as w(id, position)
    join enrich.batches b on b.id = w.id
  ),
  counts as (
    select c.batch_id, c.step_name, c.status, c.skipped, c.error, sum(c.n) as n
    from enrich.batch_counts c
    where c.batch_id = any(p_batch_ids)
    group by 1, 2, 3, 4, 5
    having sum(c.n) <> 0
  ),
  waiting as (  -- read once for every batch asked for
    select r.workflow_slug, jsonb_build_object('workflow', r.workflow_slug, 'kind', r.kind,
                                               'reason', r.reason) as reason
    from enrich.dispatch_wait_reasons() r
  )
  select b.id, jsonb_build_object(
    'batch_id', b.id, 'pipeline', b.pipeline, 'status', b.status,
    'done', b.status = 'COMPLETED', 'rows', b.total,
    'created_at', b.created_at, 'completed_at', b.completed_at,
    -- an item fails at one step and goes no further; it completes when its last step does
    'items', (select jsonb_strip_nulls(jsonb_build_object(
                       'COMPLETED', nullif(f.completed, 0), 'FAILED', nullif(f.failed, 0),
                       'IN_PROGRESS', nullif(b.total - f.completed - f.failed, 0)))
              from (select coalesce(sum(c.n) filter (
                                      where c.status = 'COMPLETED'
                                        and c.step_name = b.steps[cardinality(b.steps)]), 0)
                             as completed,
                           coalesce(sum(c.n) filter (where c.status = 'FAILED'), 0) as failed
                    from counts c where c.batch_id = b.id) f),
    'steps', (select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                       'step', st.step,
                       'counts', coalesce((select jsonb_object_agg(s.status, s.n order by s.status)
                                           from (select c.status, sum(c.n) as n from counts c
                                                  where c.batch_id = b.id and c.step_name = st.step
                                                  group by 1) s), '{}'),
                       'entities', case wf.entity_type when 'company' then b.companies
                                                       when 'person' then b.people end))
                     order by st.position)
              from unnest(b.steps) with ordinality as st(step, position)
              left join enrich.workflows wf on wf.slug = st.step),
    'failures', coalesce((select jsonb_agg(jsonb_build_object('step', f.step_name,
                                                              'error', f.error, 'items', f.n)
                                           order by f.n desc, f.step_name, f.error)
                          from (select c.step_name, c.error, sum(c.n) as n from counts c
                                 where c.batch_id = b.id and c.status = 'FAILED'
                                 group by 1, 2 order by 3 desc, 1, 2 limit 20) f), '[]'),
    'companies', b.companies, 'people', b.people,
    'paid_calls', (select coalesce(sum(p.calls), 0) from enrich.paid_calls p where p.batch_id = b.id),
    'calls_saved', (select coalesce(sum(c.n), 0) from counts c
                     where c.batch_id = b.id and c.status = 'COMPLETED' and c.skipped),
    'waiting', coalesce((select jsonb_agg(w.reason order by w.workflow_slug) from waiting w
                          where b.status <> 'COMPLETED' and w.workflow_slug = any(b.steps)), '[]'))
  from wanted b
  order by b.position
$$;
comment on function enrich._batches_progress(uuid[]) is
  'For each batch id given (in that order): its progress as JSON, from the kept counts: '
  'status, done, rows, items by status, per step counts by status and distinct entities, '
  'the 20 most common failures by step and error, distinct companies and people, paid calls '
  'booked to it, calls saved by dedupe and reuse, and why its workflows'' work waits.';

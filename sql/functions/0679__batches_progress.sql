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
  -- each batch's figures aggregated once, then joined by batch (not searched per batch)
  per_step as (
    select s.batch_id, s.step_name, jsonb_object_agg(s.status, s.n order by s.status) as counts
    from (select c.batch_id, c.step_name, c.status, sum(c.n) as n from counts c group by 1, 2, 3) s
    group by 1, 2
  ),
  per_batch as (
    -- an item fails at one step and goes no further; it completes when its last step does
    select c.batch_id,
           coalesce(sum(c.n) filter (where c.status = 'COMPLETED'
                                       and c.step_name = b.steps[cardinality(b.steps)]), 0)
             as completed,
           coalesce(sum(c.n) filter (where c.status = 'FAILED'), 0) as failed,
           coalesce(sum(c.n) filter (where c.status = 'COMPLETED' and c.skipped), 0) as saved
    from counts c join wanted b on b.id = c.batch_id
    group by 1
  ),
  failures as (  -- the 20 most common per batch
    select f.batch_id, jsonb_agg(jsonb_build_object('step', f.step_name, 'error', f.error,
                                                    'items', f.n)
                                 order by f.n desc, f.step_name, f.error) as failures
    from (select c.batch_id, c.step_name, c.error, sum(c.n) as n,
                 row_number() over (partition by c.batch_id
                                    order by sum(c.n) desc, c.step_name, c.error) as rank
          from counts c where c.status = 'FAILED' group by 1, 2, 3) f
    where f.rank <= 20
    group by 1
  ),
  paid as (
    select p.batch_id, sum(p.calls) as calls from enrich.paid_calls p
    where p.batch_id = any(p_batch_ids) group by 1
  ),
  workers as (  -- read once for every batch asked for: is any worker's heartbeat current?
    select bool_or(p.alive_until > now()) as alive, max(p.seen_at) as seen_at
    from enrich.processes p where p.kind = 'worker'
  ),
  waiting as (  -- read once for every batch asked for
    select r.workflow_slug, jsonb_build_object('workflow', r.workflow_slug, 'kind', r.kind,
                                               'reason', r.reason) as reason
    from enrich.dispatch_wait_reasons() r
  )
  select b.id, jsonb_build_object(
    'batch_id', b.id, 'name', b.name, 'pipeline', b.pipeline, 'status', b.status,
    'done', b.status = 'COMPLETED', 'rows', b.total,
    'created_at', b.created_at, 'completed_at', b.completed_at,
    'failed', coalesce(pb.failed, 0),
    -- unfinished work and no worker alive: nothing will move it, whatever else it waits on
    'no_worker', b.status <> 'COMPLETED' and not coalesce((select w.alive from workers w), false),
    'worker_seen_at', (select w.seen_at from workers w),
    'items', jsonb_strip_nulls(jsonb_build_object(
               'COMPLETED', nullif(coalesce(pb.completed, 0), 0),
               'FAILED', nullif(coalesce(pb.failed, 0), 0),
               'IN_PROGRESS', nullif(b.total - coalesce(pb.completed, 0) - coalesce(pb.failed, 0), 0))),
    -- per step: its counts, the rows that failed at an earlier step (never reaching it) and
    -- those still at an earlier step (upcoming): with the counts, every row of the batch
    'steps', (select jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                       'step', s.step, 'counts', s.counts, 'entities', s.entities,
                       'not_reached', s.not_reached,
                       'upcoming', greatest(b.total - s.not_reached
                                            - (select coalesce(sum(c.value::bigint), 0)
                                               from jsonb_each_text(s.counts) c), 0)))
                     order by s.position)
              from (select t.*,
                           coalesce(sum((t.counts ->> 'FAILED')::bigint)
                                      over (order by t.position rows between
                                            unbounded preceding and 1 preceding), 0)
                             as not_reached
                      from (select st.step, st.position, coalesce(ps.counts, '{}') as counts,
                                   case wf.entity_type when 'company' then b.companies
                                                       when 'person' then b.people end
                                     as entities
                              from unnest(b.steps) with ordinality as st(step, position)
                              left join per_step ps
                                     on ps.batch_id = b.id and ps.step_name = st.step
                              left join enrich.workflows wf on wf.slug = st.step) t) s),
    'failures', coalesce(f.failures, '[]'),
    'companies', b.companies, 'people', b.people,
    'paid_calls', coalesce(p.calls, 0),
    'calls_saved', coalesce(pb.saved, 0),
    'waiting', coalesce((select jsonb_agg(w.reason order by w.workflow_slug) from waiting w
                          where b.status <> 'COMPLETED' and w.workflow_slug = any(b.steps)), '[]'))
  from wanted b
  left join per_batch pb on pb.batch_id = b.id
  left join failures f on f.batch_id = b.id
  left join paid p on p.batch_id = b.id
  order by b.position
$$;
comment on function enrich._batches_progress(uuid[]) is
  'For each batch id given (in that order): its progress as JSON, from the kept counts: '
  'name, status, done, rows, failed rows, no_worker (unfinished work and no worker alive) and '
  'when a worker was last seen, items by status, per step counts by status, distinct '
  'entities, rows not reached (failed at an earlier step) and upcoming (still at an '
  'earlier step), '
  'the 20 most common failures by step and error, distinct companies and people, paid calls '
  'booked to it, calls saved by dedupe and reuse, and why its workflows'' work waits.';

-- enrich.batch_status: progress of one batch per step, for `enrich status` and any caller.

create or replace function enrich.batch_status(p_batch_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'batch_id', b.id, 'pipeline', b.pipeline, 'status', b.status,
    'done', b.status = 'COMPLETED', 'rows', b.item_count,
    'created_at', b.created_at, 'completed_at', b.completed_at,
    'items', (select jsonb_object_agg(status, n) from (
                select i.status, count(*) as n from enrich.batch_items i
                where i.batch_id = b.id group by i.status) s),
    'steps', (select jsonb_agg(jsonb_build_object(
                       'step', st.step,
                       'counts', coalesce((
                         select jsonb_object_agg(c.status, c.n) from (
                           select ws.status, count(*) as n
                           from enrich.workflow_states ws
                           join enrich.batch_items i on i.id = ws.item_id
                           where i.batch_id = b.id and ws.step_name = st.step
                           group by ws.status) c), '{}'))
                     order by st.position)
              from unnest(b.steps) with ordinality as st(step, position)),
    'failures', coalesce((select jsonb_agg(jsonb_build_object('step', f.step_name, 'error', f.error, 'items', f.n))
                 from (select ws.step_name, ws.meta ->> 'error' as error, count(*) as n
                       from enrich.workflow_states ws join enrich.batch_items i on i.id = ws.item_id
                       where i.batch_id = b.id and ws.status = 'FAILED'
                       group by 1, 2 order by 3 desc limit 20) f), '[]'),
    'paid_calls', (select coalesce(sum(p.calls), 0) from enrich.paid_calls p where p.batch_id = b.id),
    'calls_saved', (select count(*) from enrich.workflow_states ws
                      join enrich.batch_items i on i.id = ws.item_id
                     where i.batch_id = b.id and ws.status = 'COMPLETED' and ws.meta ? 'skipped'),
    'waiting', coalesce((select jsonb_agg(jsonb_build_object('workflow', r.workflow_slug,
                                   'kind', r.kind, 'reason', r.reason) order by r.workflow_slug)
                from enrich.dispatch_wait_reasons() r
               where b.status <> 'COMPLETED' and r.workflow_slug = any(b.steps)), '[]'))
  from enrich.batches b where b.id = p_batch_id
$$;
comment on function enrich.batch_status(uuid) is
  'One batch''s progress as JSON: status, done, item counts, per-step counts by status and '
  'the most common failure reasons, paid calls booked to it (the ledger), calls saved by '
  'dedupe and reuse, and why its workflows'' work waits if it does. NULL if unknown.';

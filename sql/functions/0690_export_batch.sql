-- enrich.export_batch: every item of a batch with its keys, step statuses, errors and, per
-- workflow of the batch, the newest result of the item's company or person.

create or replace function enrich.export_batch(p_batch_id uuid)
returns table (row_number integer, record jsonb)
language sql stable set search_path = '' as $$
  with batch_workflows as materialized (
    select w.slug, w.entity_type
    from enrich.batches b
    cross join lateral unnest(b.steps) s(slug)
    join enrich.workflows w on w.slug = s.slug
    where b.id = p_batch_id
  )
  select i.row_number,
         jsonb_build_object(
           'row_number', i.row_number, 'item_id', i.id, 'status', i.status,
           'input', i.data, 'company_key', i.company_key, 'person_key', i.person_key,
           'company_id', i.company_id, 'person_id', i.person_id,
           'steps', (select jsonb_object_agg(ws.step_name, ws.status)
                     from enrich.workflow_states ws where ws.item_id = i.id),
           'errors', (select jsonb_object_agg(ws.step_name, ws.meta ->> 'error')
                      from enrich.workflow_states ws
                      where ws.item_id = i.id and ws.meta ? 'error'),
           'results', (select jsonb_object_agg(w.slug, coalesce(c.data, p.data))
                       from batch_workflows w
                       left join lateral (
                         select r.data from enrich.company_enrichment_results r
                         where w.entity_type = 'company' and r.company_id = i.company_id
                           and r.workflow_slug = w.slug
                         order by r.created_at desc limit 1) c on true
                       left join lateral (
                         select r.data from enrich.person_enrichment_results r
                         where w.entity_type = 'person' and r.person_id = i.person_id
                           and r.workflow_slug = w.slug
                         order by r.created_at desc limit 1) p on true
                       where coalesce(c.data, p.data) is not null))
  from enrich.batch_items i
  where i.batch_id = p_batch_id
  order by i.row_number
$$;
comment on function enrich.export_batch(uuid) is
  'One JSON record per item, in row order: input fields, company and person keys and ids, '
  'status per step, errors, and per workflow the newest result of its company or person.';

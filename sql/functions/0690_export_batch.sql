-- enrich.export_batch: every item of a batch with its keys, step statuses, errors and, per
-- workflow of the batch, the newest result of the item's company or person. One pass over
-- the items in row order: each item's steps read by its key, the newest results of the
-- batch's distinct entities read once and joined by hash.

create or replace function enrich.export_batch(p_batch_id uuid)
returns table (row_number integer, record jsonb)
language sql stable set search_path = '' as $$
  with batch_workflows as materialized (
    select w.slug, w.entity_type
    from enrich.batches b
    cross join lateral unnest(b.steps) s(slug)
    join enrich.workflows w on w.slug = s.slug
    where b.id = p_batch_id
  ),
  entities as materialized (
    select distinct i.company_id, i.person_id
    from enrich.batch_items i where i.batch_id = p_batch_id
  ),
  newest as (  -- per entity (company and person ids never collide), its results by workflow
    select r.id, jsonb_object_agg(r.slug, r.data) as results
    from (select w.slug, c.company_id as id,
                 (select r.data from enrich.company_enrichment_results r
                   where r.company_id = c.company_id and r.workflow_slug = w.slug
                   order by r.created_at desc limit 1) as data
          from batch_workflows w
          join (select distinct e.company_id from entities e where e.company_id is not null) c
            on w.entity_type = 'company'
          union all
          select w.slug, p.person_id,
                 (select r.data from enrich.person_enrichment_results r
                   where r.person_id = p.person_id and r.workflow_slug = w.slug
                   order by r.created_at desc limit 1)
          from batch_workflows w
          join (select distinct e.person_id from entities e where e.person_id is not null) p
            on w.entity_type = 'person') r
    where r.data is not null
    group by r.id
  )
  select i.row_number,
         jsonb_build_object(
           'row_number', i.row_number, 'item_id', i.id, 'status', i.status,
           'input', i.data, 'company_key', i.company_key, 'person_key', i.person_key,
           'company_id', i.company_id, 'person_id', i.person_id,
           'steps', st.steps, 'errors', st.errors,
           'results', case when rc.results is not null or rp.results is not null
                           then coalesce(rc.results, '{}') || coalesce(rp.results, '{}') end,
           'identifiers', case when ic.ids is not null or ip.ids is not null
                               then jsonb_strip_nulls(jsonb_build_object('company', ic.ids,
                                                                         'person', ip.ids)) end)
  from enrich.batch_items i
  left join lateral (
    select jsonb_object_agg(ws.step_name, ws.status) as steps,
           jsonb_object_agg(ws.step_name, ws.meta ->> 'error')
             filter (where ws.meta ? 'error') as errors
    from enrich.workflow_states ws where ws.item_id = i.id) st on true
  left join newest rc on rc.id = i.company_id
  left join newest rp on rp.id = i.person_id
  -- every identifier of the row's company and person, by kind (read once per entity)
  left join lateral (select jsonb_object_agg(g.kind, g.vs) as ids
                       from (select x.kind, jsonb_agg(x.value order by x.value) as vs
                               from enrich.company_identifiers x where x.company_id = i.company_id
                              group by x.kind) g) ic on true
  left join lateral (select jsonb_object_agg(g.kind, g.vs) as ids
                       from (select x.kind, jsonb_agg(x.value order by x.value) as vs
                               from enrich.person_identifiers x where x.person_id = i.person_id
                              group by x.kind) g) ip on true
  where i.batch_id = p_batch_id
  order by i.row_number
$$;
comment on function enrich.export_batch(uuid) is
  'One JSON record per item, in row order: input fields, company and person keys and ids, '
  'status per step, errors, per workflow the newest result of its company or person, and '
  'the identifiers its company and person are known by ({"company": {kind: [values]}, '
  '"person": ...}).';

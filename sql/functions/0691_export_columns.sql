-- enrich.export_columns: the CSV export's header, known before its first row: the input's
-- columns in the file's order, the steps, those with an error in some row, and per workflow
-- every field of the newest results of the batch's distinct companies or people.

create or replace function enrich.export_columns(p_batch_id uuid)
returns table (input jsonb, steps text[], errors text[], results jsonb)
language sql stable set search_path = '' as $$
  with batch as (
    select b.steps, b.input_columns from enrich.batches b where b.id = p_batch_id
  ),
  entities as materialized (
    select distinct i.company_id, i.person_id
    from enrich.batch_items i where i.batch_id = p_batch_id
  ),
  fields as (
    select w.slug, array_position(b.steps, w.slug) as position, k.field
    from batch b
    join enrich.workflows w on w.slug = any (b.steps)
    cross join lateral (
      select distinct k as field
      from (select distinct e.company_id from entities e
            where w.entity_type = 'company' and e.company_id is not null) e
      cross join lateral (select r.data from enrich.company_enrichment_results r
                          where r.company_id = e.company_id and r.workflow_slug = w.slug
                          order by r.created_at desc limit 1) r
      cross join lateral jsonb_object_keys(
        case when jsonb_typeof(r.data) = 'object' then r.data else '{}' end) k
      union
      select distinct k
      from (select distinct e.person_id from entities e
            where w.entity_type = 'person' and e.person_id is not null) e
      cross join lateral (select r.data from enrich.person_enrichment_results r
                          where r.person_id = e.person_id and r.workflow_slug = w.slug
                          order by r.created_at desc limit 1) r
      cross join lateral jsonb_object_keys(
        case when jsonb_typeof(r.data) = 'object' then r.data else '{}' end) k) k
  )
  select coalesce(b.input_columns,
                  (select coalesce(jsonb_agg(jsonb_build_object('heading', k, 'key', k)
                                             order by k), '[]')
                   from (select distinct k from enrich.batch_items i,
                                jsonb_object_keys(i.data) k
                         where i.batch_id = p_batch_id) keys)),
         b.steps,
         array(select ws.step_name
               from enrich.workflow_states ws
               join enrich.batch_items i on i.id = ws.item_id
               where i.batch_id = p_batch_id and ws.meta ? 'error'
               group by ws.step_name
               order by array_position(b.steps, ws.step_name)),
         (select coalesce(jsonb_agg(jsonb_build_object('workflow', f.slug, 'fields', f.fields)
                                    order by f.position), '[]')
          from (select slug, position, array_agg(field order by field) as fields
                from fields group by slug, position) f)
  from batch b
$$;
comment on function enrich.export_columns(uuid) is
  'The header of a batch''s export: input columns ([{"heading", "key"}] in the file''s order; '
  'sorted data keys for older batches), steps, steps with an error in some row, and per '
  'workflow its result fields ([{"workflow", "fields"}], in step order). No row: no batch.';

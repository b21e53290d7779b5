-- enrich.export_columns: the CSV export's header, known before its first row: the input's
-- columns in the file's order, the steps, those where some row failed (from the kept counts),
-- per workflow every field of the newest results of the batch's distinct companies or
-- people (the one pass over the batch's items it takes), and the kinds of identifier they
-- are known by.

create or replace function enrich.export_columns(p_batch_id uuid)
returns table (input jsonb, steps text[], errors text[], results jsonb, identifiers jsonb,
               delimiter text)
language sql stable set search_path = '' as $$
  with batch as (
    select b.steps, b.input_columns, b.input_delimiter from enrich.batches b
    where b.id = p_batch_id
  ),
  entities as materialized (
    select distinct i.company_id, i.person_id
    from enrich.batch_items i where i.batch_id = p_batch_id
  ),
  -- per workflow of the batch, the newest result of each of its distinct entities, read as
  -- the export's rows read it (enrich.export_csv_query: by the results' key, newest first, the
  -- first one). Two results of one created_at (recorded in one transaction, or two entities'
  -- put together by a merge) are told apart by that read alone: a sort (DISTINCT ON) may take
  -- the other one, and the header would list fields the rows do not show and miss theirs.
  newest as (
    select w.slug, r.data
    from batch b
    join enrich.workflows w on w.slug = any (b.steps) and w.entity_type = 'company'
    cross join (select distinct e.company_id from entities e where e.company_id is not null) e
    cross join lateral (select r.data from enrich.company_enrichment_results r
                        where r.company_id = e.company_id and r.workflow_slug = w.slug
                        order by r.created_at desc limit 1) r
    union all
    select w.slug, r.data
    from batch b
    join enrich.workflows w on w.slug = any (b.steps) and w.entity_type = 'person'
    cross join (select distinct e.person_id from entities e where e.person_id is not null) e
    cross join lateral (select r.data from enrich.person_enrichment_results r
                        where r.person_id = e.person_id and r.workflow_slug = w.slug
                        order by r.created_at desc limit 1) r
  ),
  fields as (
    select n.slug, k.field
    from newest n
    cross join lateral jsonb_object_keys(
      case when jsonb_typeof(n.data) = 'object' then n.data else '{}' end) k(field)
    group by n.slug, k.field
  )
  select coalesce(b.input_columns,
                  (select coalesce(jsonb_agg(jsonb_build_object('heading', k, 'key', k)
                                             order by k), '[]')
                   from (select distinct k from enrich.batch_items i,
                                jsonb_object_keys(i.data) k
                         where i.batch_id = p_batch_id) keys)),
         b.steps,
         array(select c.step_name  -- failed rows, from the kept counts
               from enrich.batch_counts c
               where c.batch_id = p_batch_id and c.status = 'FAILED'
               group by c.step_name
               having sum(c.n) > 0
               order by array_position(b.steps, c.step_name)),
         (select coalesce(jsonb_agg(jsonb_build_object('workflow', f.slug, 'fields', f.fields)
                                    order by array_position(b.steps, f.slug)), '[]')
          from (select slug, array_agg(field order by field) as fields
                from fields group by slug) f),
         -- the kinds of identifier the batch's companies and people are known by
         (select coalesce(jsonb_agg(jsonb_build_object('entity', k.entity, 'kind', k.kind)
                                    order by k.entity, k.kind), '[]')
          from (select distinct 'company' as entity, x.kind
                from (select distinct e.company_id from entities e
                       where e.company_id is not null) e
                join enrich.company_identifiers x on x.company_id = e.company_id
                union
                select distinct 'person', x.kind
                from (select distinct e.person_id from entities e
                       where e.person_id is not null) e
                join enrich.person_identifiers x on x.person_id = e.person_id) k),
         b.input_delimiter  -- (the file's, for a CSV written back for a spreadsheet)
  from batch b
$$;
comment on function enrich.export_columns(uuid) is
  'The header of a batch''s export: input columns ([{"heading", "key"}] in the file''s order; '
  'sorted data keys for older batches), steps, steps where some row failed, and per '
  'workflow its result fields ([{"workflow", "fields"}], in step order), and the kinds of '
  'identifier its companies and people are known by ([{"entity", "kind"}]), and its CSV '
  'file''s delimiter (NULL if none was recorded). No row: no batch.';

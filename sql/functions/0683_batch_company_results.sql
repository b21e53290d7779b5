-- enrich.batch_company_results: a batch's companies with their state in each workflow and
-- current result (`enrich demo`).

create or replace function enrich.batch_company_results(p_batch_id uuid)
returns table (domain text, workflow_slug text, status text, items bigint, result jsonb)
language sql stable set search_path = '' as $$
  select c.domain, s.workflow_slug, s.status, count(distinct i.id), r.data
  from enrich.batch_items i
  join enrich.batches b on b.id = i.batch_id
  join enrich.normalized_companies c on c.id = i.company_id
  join enrich.company_workflow_states s
    on s.company_id = c.id and s.workflow_slug = any(b.steps)
  left join lateral (select cr.data from enrich.company_enrichment_results cr
                      where cr.company_id = c.id and cr.workflow_slug = s.workflow_slug
                      order by cr.created_at desc limit 1) r on true
  where i.batch_id = p_batch_id
  group by c.domain, s.workflow_slug, s.status, r.data
  order by c.domain, s.workflow_slug
$$;
comment on function enrich.batch_company_results(uuid) is
  'A batch''s companies: per workflow of its pipeline, the company''s state, how many of the '
  'batch''s items link to it, and its current (newest) result.';

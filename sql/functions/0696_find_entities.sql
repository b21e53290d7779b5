-- enrich.find_entities: the companies and people a domain, an email address or a LinkedIn URL
-- names, keyed as a load keys them, each with its state and newest result per workflow and
-- the rows linked to it (the dashboard's lookup).

create or replace function enrich.find_entities(p_query text, p_rows integer default 20)
returns setof jsonb
language sql stable set search_path = '' as $$
  with wanted as (
    select 'company' as entity_type, c.id, c.domain as key
    from enrich.normalized_companies c
    where c.domain = case when p_query like '%@%' then enrich.company_key(null, null, p_query)
                          when p_query ilike '%linkedin.%' then null
                          else enrich.company_key(p_query, null, null) end
    union
    select 'person', p.id, p.person_key
    from enrich.normalized_people p
    where p.person_key = case when p_query like '%@%' then enrich.normalize_email(p_query)
                              when p_query ilike '%linkedin.%'
                              then enrich.normalize_linkedin_url(p_query) end
    union  -- a person keyed by a LinkedIn URL, by the email address of a row of theirs
    select 'person', p.id, p.person_key
    from enrich.normalized_people p
    where p_query like '%@%' and p.email = enrich.normalize_email(p_query)
  )
  select jsonb_build_object(
    'entity_type', e.entity_type, 'id', e.id, 'key', e.key,
    'workflows', coalesce((
      select jsonb_agg(jsonb_build_object(
               'workflow', s.workflow_slug, 'status', s.status, 'attempts', s.attempts,
               'paid_calls', s.paid_calls, 'last_error', s.last_error,
               'completed_at', s.completed_at, 'result', s.result) order by s.workflow_slug)
      from (select cs.workflow_slug, cs.status, cs.attempts, cs.paid_calls, cs.last_error,
                   cs.completed_at,
                   (select r.data from enrich.company_enrichment_results r
                     where r.company_id = cs.company_id and r.workflow_slug = cs.workflow_slug
                     order by r.created_at desc limit 1) as result
            from enrich.company_workflow_states cs
            where e.entity_type = 'company' and cs.company_id = e.id
            union all
            select ps.workflow_slug, ps.status, ps.attempts, ps.paid_calls, ps.last_error,
                   ps.completed_at,
                   (select r.data from enrich.person_enrichment_results r
                     where r.person_id = ps.person_id and r.workflow_slug = ps.workflow_slug
                     order by r.created_at desc limit 1)
            from enrich.person_workflow_states ps
            where e.entity_type = 'person' and ps.person_id = e.id) s), '[]'),
    'rows', coalesce((
      select jsonb_agg(jsonb_build_object('batch_id', l.batch_id, 'row_number', l.row_number,
                                          'status', l.status, 'input', l.data)
                       order by l.created_at desc, l.row_number)
      from (select distinct on (i.id) i.batch_id, i.row_number, i.status, i.data, i.created_at
            from enrich.workflow_states ws join enrich.batch_items i on i.id = ws.item_id
            where ws.entity_id = e.id
            order by i.id
            limit greatest(p_rows, 0)) l), '[]'))
  from wanted e
  order by e.entity_type, e.key
$$;
comment on function enrich.find_entities(text, integer) is
  'The company (a domain or URL, or an email''s company) and person (an email or LinkedIn '
  'URL) the query names, keyed like a load keys rows: per workflow its state and newest '
  'result, and up to p_rows rows linked to it.';

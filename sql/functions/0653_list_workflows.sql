-- enrich.list_workflows: every workflow as describe_workflow() shows it (`enrich workflow
-- list`, `enrich doctor`).

create or replace function enrich.list_workflows()
returns setof jsonb
language sql stable set search_path = '' as $$
  select enrich.describe_workflow(w.slug) from enrich.workflows w order by w.slug
$$;
comment on function enrich.list_workflows() is 'describe_workflow() of every workflow, by slug.';

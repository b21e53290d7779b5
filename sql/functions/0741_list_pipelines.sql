-- enrich.list_pipelines: every pipeline and its steps (`enrich pipeline list`).

create or replace function enrich.list_pipelines()
returns table (name text, steps text[])
language sql stable set search_path = '' as $$
  select p.name, p.steps from enrich.pipelines p order by p.name
$$;
comment on function enrich.list_pipelines() is 'Every pipeline and its ordered steps.';

-- enrich.dispatch_counts: dispatches per workflow and status (the dashboard's queue figures
-- and its Prometheus gauges; a resume's confirmation says how many may now be sent).

create or replace function enrich.dispatch_counts()
returns table (workflow_slug text, status text, dispatches bigint)
language sql stable set search_path = '' as $$
  select d.workflow_slug, d.status, count(*) from enrich.dispatches d group by 1, 2 order by 1, 2
$$;
comment on function enrich.dispatch_counts() is
  'Dispatches per workflow and status (QUEUED, LEASED, SENT).';

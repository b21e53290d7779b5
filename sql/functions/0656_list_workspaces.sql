-- enrich.list_workspaces: every workspace with its limits, credits spent today and
-- workflows (`enrich workspace list`).

create or replace function enrich.list_workspaces() returns setof jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
           'name', s.name, 'rate_per_second', s.rate_per_second, 'burst', s.burst,
           'daily_credits', s.daily_credits,
           'credits_spent_today', enrich._credits_spent(s.name, enrich._utc_today()),
           'workflows', coalesce((select jsonb_agg(w.slug order by w.slug) from enrich.workflows w
                                   where w.workspace = s.name), '[]'))
  from enrich.workspaces s order by s.name
$$;
comment on function enrich.list_workspaces() is
  'Every workspace: rate limit, daily credits, credits spent today, its workflows.';

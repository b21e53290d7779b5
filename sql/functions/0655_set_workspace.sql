-- enrich.set_workspace: a Clay workspace's rate limit and daily credits (`enrich workspace
-- set`).

create or replace function enrich.set_workspace(
  p_name text, p_rate_per_second numeric default null, p_burst integer default null,
  p_daily_credits numeric default null, p_clear_daily_credits boolean default false
) returns jsonb
language plpgsql set search_path = '' as $$
begin
  insert into enrich.workspaces (name, rate_per_second, burst, rate_tokens)
  values (p_name, coalesce(p_rate_per_second, 10), coalesce(p_burst, 20), coalesce(p_burst, 20))
  on conflict (name) do update
    set rate_per_second = coalesce(p_rate_per_second, enrich.workspaces.rate_per_second),
        burst = coalesce(p_burst, enrich.workspaces.burst),
        rate_tokens = least(enrich.workspaces.rate_tokens, coalesce(p_burst, enrich.workspaces.burst)),
        updated_at = now();
  update enrich.workspaces s
     set daily_credits = case when p_clear_daily_credits then null
                              else coalesce(p_daily_credits, s.daily_credits) end
   where s.name = p_name;
  perform pg_notify('enrich_dispatch', p_name);  -- a higher limit may free waiting work
  return (select l from enrich.list_workspaces() l where l ->> 'name' = p_name);
end;
$$;
comment on function enrich.set_workspace(text, numeric, integer, numeric, boolean) is
  'Creates or updates a workspace; NULL arguments keep the current value (new ones: 10 '
  'rows/s, burst 20, unlimited credits). Returns its list_workspaces() entry.';

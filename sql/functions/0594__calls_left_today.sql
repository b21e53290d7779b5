-- enrich._calls_left_today: what a workflow may still spend today, under its own daily
-- budget and its workspace's daily credits.

create or replace function enrich._calls_left_today(
  p_workflow enrich.workflows, p_workspace enrich.workspaces, p_day date
) returns integer
language sql stable set search_path = '' as $$
  select least(
    case when p_workflow.daily_budget is null then 2147483647
         else greatest(p_workflow.daily_budget - enrich._calls_spent(p_workflow.slug, p_day), 0) end,
    case when p_workspace.daily_credits is null or p_workflow.credits_per_call = 0 then 2147483647
         else greatest(floor((p_workspace.daily_credits
                              - enrich._credits_spent(p_workspace.name, p_day))
                             / p_workflow.credits_per_call), 0)::integer end)
$$;
comment on function enrich._calls_left_today(enrich.workflows, enrich.workspaces, date) is
  'Paid calls a workflow may still make on a UTC day: its daily budget and its workspace''s '
  'daily credits, whichever is less (2147483647 = unlimited).';

-- enrich._calls_spent: the paid calls (reserved included) a workflow made on a UTC day.

create or replace function enrich._calls_spent(p_workflow text, p_day date) returns integer
language sql stable set search_path = '' as $$
  select coalesce(sum(p.calls), 0)::integer from enrich.paid_calls p
  where p.day = p_day and p.workflow_slug = p_workflow
$$;
comment on function enrich._calls_spent(text, date) is
  'Paid calls (reserved included) a workflow made on a UTC day.';

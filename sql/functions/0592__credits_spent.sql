-- enrich._credits_spent: the credits a workspace spent on a UTC day (the ledger's paid calls
-- times each workflow's credits per call).

create or replace function enrich._credits_spent(p_workspace text, p_day date) returns numeric
language sql stable set search_path = '' as $$
  select coalesce(sum(p.calls * w.credits_per_call), 0)
  from enrich.paid_calls p join enrich.workflows w on w.slug = p.workflow_slug
  where p.day = p_day and p.workspace = p_workspace
$$;
comment on function enrich._credits_spent(text, date) is
  'Credits a workspace spent on a UTC day: its paid calls times each workflow''s credits per call.';

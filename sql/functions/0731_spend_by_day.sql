-- enrich.spend_by_day: paid calls and calls saved per UTC day and workflow (what `enrich
-- stats` shows per day).

create or replace function enrich.spend_by_day(p_since date default null)
returns table (day date, workflow_slug text, paid_calls bigint, calls_saved bigint)
language sql stable set search_path = '' as $$
  with paid as (
    select p.day, p.workflow_slug, sum(p.calls) as n from enrich.paid_calls p
    where p_since is null or p.day >= p_since group by 1, 2
  ),
  saved as (  -- kept per day as items complete (enrich.item_completions)
    select c.day, c.step_name as workflow_slug, sum(c.n) as n
    from enrich.item_completions c
    where c.skipped and (p_since is null or c.day >= p_since)
    group by 1, 2
    having sum(c.n) <> 0
  )
  select coalesce(p.day, s.day), coalesce(p.workflow_slug, s.workflow_slug),
         coalesce(p.n, 0)::bigint, coalesce(s.n, 0)::bigint
  from paid p full join saved s on s.day = p.day and s.workflow_slug = p.workflow_slug
  order by 1, 2
$$;
comment on function enrich.spend_by_day(date) is
  'Per UTC day and workflow: paid calls (the ledger) and calls saved (items served from '
  'another item''s call or an earlier result).';

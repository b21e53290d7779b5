-- enrich.dispatch_wait_reasons: why a workflow's queued work is not being sent. What
-- `enrich status`, `enrich workflow show`, `enrich doctor` (as notices) and `enrich run` say.

create or replace function enrich.dispatch_wait_reasons()
returns table (workflow_slug text, kind text, queued bigint, reason text)
language sql stable set search_path = '' as $$
  -- the reasons first (a few rows per workflow), then the queued dispatches counted only
  -- for workflows that have one: usually none, so status pages do not count a big queue
  with state as (
    select w.slug, w.paused_at, w.daily_budget, s.name as workspace, s.daily_credits,
           enrich._calls_spent(w.slug, enrich._utc_today()) as spent,
           enrich._credits_spent(s.name, enrich._utc_today()) as credits_spent,
           w.credits_per_call,
           exists (select from enrich.workflow_webhooks h where h.workflow_slug = w.slug) as has_hooks,
           exists (select from enrich.workflow_webhooks h where h.workflow_slug = w.slug
                     and h.retired_at is null and h.submissions < h.max_submissions) as hook_left
    from enrich.workflows w
    join enrich.workspaces s on s.name = w.workspace
  )
  select st.slug, k.kind, q.n, k.reason
  from state st
  cross join lateral (
    select 'paused' as kind,
           format('paused since %s UTC (enrich workflow resume %s)',
                  to_char(st.paused_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI'), st.slug) as reason
     where st.paused_at is not null
    union all
    select 'daily_budget',
           format('daily budget %s/%s spent, resumes 00:00 UTC', st.spent, st.daily_budget)
     where st.paused_at is null and st.daily_budget is not null and st.spent >= st.daily_budget
    union all
    select 'daily_credits',
           format('workspace %s: daily credits %s/%s spent, resumes 00:00 UTC',
                  st.workspace, st.credits_spent, st.daily_credits)
     where st.paused_at is null and st.daily_credits is not null and st.credits_per_call > 0
       and st.credits_spent + st.credits_per_call > st.daily_credits
       and not (st.daily_budget is not null and st.spent >= st.daily_budget)
    union all
    select 'no_webhook_left',
           'every webhook is full or retired: add a new Clay webhook with `enrich workflow set --webhook-url`'
     where st.paused_at is null and st.has_hooks and not st.hook_left
    limit 1
  ) k
  cross join lateral (select count(*) as n from enrich.dispatches d
                       where d.workflow_slug = st.slug and d.status = 'QUEUED') q
  where q.n > 0
  order by st.slug
$$;
comment on function enrich.dispatch_wait_reasons() is
  'Workflows whose QUEUED dispatches cannot be claimed now, with how many, the kind '
  '(paused, daily_budget, daily_credits, no_webhook_left) and a sentence for people. '
  'Dispatches that wait never fail.';

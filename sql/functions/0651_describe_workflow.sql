-- enrich.describe_workflow: a workflow as JSON, what `enrich workflow show` prints (never
-- its webhooks' auth tokens).

create or replace function enrich.describe_workflow(p_slug text) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
           'slug', w.slug, 'entity_type', w.entity_type,
           'timeout_seconds', extract(epoch from w.timeout)::bigint,
           'max_attempts', w.max_attempts, 'rate_per_second', w.rate_per_second,
           'burst', w.burst, 'ttl_seconds', extract(epoch from w.ttl)::bigint,
           'credits_per_call', w.credits_per_call,
           'workspace', w.workspace, 'resends', w.resends, 'daily_budget', w.daily_budget,
           'paused', w.paused_at is not null, 'paused_at', w.paused_at,
           'learn_domain_from', case when w.entity_type = 'company'
                                     then to_jsonb(w.learn_domain_from) end,
           'paid_calls_today', enrich._calls_spent(w.slug, enrich._utc_today()),
           'waiting', (select r.reason from enrich.dispatch_wait_reasons() r
                        where r.workflow_slug = w.slug),
           'webhooks', coalesce((
             select jsonb_agg(jsonb_build_object(
                      'position', h.position, 'url', h.url, 'submissions', h.submissions,
                      'max_submissions', h.max_submissions,
                      'remaining', greatest(h.max_submissions - h.submissions, 0),
                      'full', h.submissions >= h.max_submissions,
                      'has_auth_token', h.auth_token is not null,
                      'retired', h.retired_at is not null or h.submissions >= h.max_submissions)
                      order by h.position)
             from enrich.workflow_webhooks h where h.workflow_slug = w.slug), '[]'))
  from enrich.workflows w where w.slug = p_slug
$$;
comment on function enrich.describe_workflow(text) is
  'A workflow''s settings, spend today, why its work waits (if it does) and webhooks (with '
  'submissions used and remaining; never their auth tokens) as JSON; NULL if unknown.';

-- enrich.set_workflow: configure an enrichment workflow (`enrich workflow set`).

create or replace function enrich.set_workflow(
  p_slug text,
  p_webhook_urls text[] default null,
  p_timeout interval default null,
  p_max_attempts integer default null,
  p_rate_per_second numeric default null,
  p_burst integer default null,
  p_ttl interval default null,
  p_clear_ttl boolean default false,
  p_entity_type text default null,
  p_credits_per_call numeric default null,
  p_max_submissions integer default null
) returns jsonb
language plpgsql set search_path = '' as $$
declare
  v_workflow enrich.workflows;
begin
  insert into enrich.workflows (slug, entity_type)
  values (p_slug, coalesce(p_entity_type, 'company'))
  on conflict (slug) do nothing;  -- an existing workflow keeps its values unless given

  update enrich.workflows w
     set entity_type      = coalesce(p_entity_type, w.entity_type),
         timeout          = coalesce(p_timeout, w.timeout),
         max_attempts     = coalesce(p_max_attempts, w.max_attempts),
         rate_per_second  = coalesce(p_rate_per_second, w.rate_per_second),
         burst            = coalesce(p_burst, w.burst),
         rate_tokens      = least(w.rate_tokens, coalesce(p_burst, w.burst)),
         ttl              = case when p_clear_ttl then null else coalesce(p_ttl, w.ttl) end,
         credits_per_call = coalesce(p_credits_per_call, w.credits_per_call),
         updated_at       = now()
   where w.slug = p_slug
  returning w.* into v_workflow;

  if p_webhook_urls is not null then
    -- listed URLs are used in the order given; known ones keep their submission counts;
    -- URLs no longer listed are retired (never deleted: their counts are history)
    update enrich.workflow_webhooks h
       set retired_at = coalesce(h.retired_at, now())
     where h.workflow_slug = p_slug and h.url <> all (p_webhook_urls);
    insert into enrich.workflow_webhooks (workflow_slug, url, position, max_submissions)
    select p_slug, u.url, u.position, coalesce(p_max_submissions, 50000)
    from unnest(p_webhook_urls) with ordinality as u(url, position)
    on conflict (workflow_slug, url) do update
      set position = excluded.position,
          max_submissions = coalesce(p_max_submissions, enrich.workflow_webhooks.max_submissions),
          retired_at = case when enrich.workflow_webhooks.submissions
                                 >= coalesce(p_max_submissions, enrich.workflow_webhooks.max_submissions)
                            then coalesce(enrich.workflow_webhooks.retired_at, now()) end;
  end if;
  return enrich.describe_workflow(p_slug);
end;
$$;
comment on function enrich.set_workflow(text, text[], interval, integer, numeric, integer, interval, boolean, text, numeric, integer) is
  'Creates or updates a workflow; NULL arguments keep the current value. p_webhook_urls '
  'replaces the list of webhooks (known URLs keep their counts, dropped ones are retired). '
  'Returns describe_workflow().';

create or replace function enrich.describe_workflow(p_slug text) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
           'slug', w.slug, 'entity_type', w.entity_type,
           'timeout_seconds', extract(epoch from w.timeout)::bigint,
           'max_attempts', w.max_attempts, 'rate_per_second', w.rate_per_second,
           'burst', w.burst, 'ttl_seconds', extract(epoch from w.ttl)::bigint,
           'credits_per_call', w.credits_per_call,
           'webhooks', coalesce((
             select jsonb_agg(jsonb_build_object(
                      'url', h.url, 'submissions', h.submissions,
                      'max_submissions', h.max_submissions,
                      'remaining', greatest(h.max_submissions - h.submissions, 0),
                      'retired', h.retired_at is not null) order by h.position)
             from enrich.workflow_webhooks h where h.workflow_slug = w.slug), '[]'))
  from enrich.workflows w where w.slug = p_slug
$$;
comment on function enrich.describe_workflow(text) is
  'A workflow''s settings and webhooks (with submissions used and remaining) as JSON; NULL '
  'if unknown.';

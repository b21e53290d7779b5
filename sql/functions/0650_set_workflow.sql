-- enrich.set_workflow: configure an enrichment workflow (`enrich workflow set`): its
-- settings, limits, workspace and Clay webhooks.

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
  p_max_submissions integer default null,
  p_workspace text default null,
  p_resends integer default null,
  p_daily_budget integer default null,
  p_clear_daily_budget boolean default false,
  p_webhook_auth_tokens text[] default null,
  p_create boolean default false,
  p_learn_domain_from text[] default null
) returns jsonb
language plpgsql set search_path = '' as $$
begin
  if not exists (select from enrich.workflows w where w.slug = p_slug) then
    if not p_create then
      raise exception using errcode = 'EN001',
        message = format('unknown workflow %s', quote_literal(p_slug)),
        hint = 'To create it, say so: `enrich workflow set --create` (p_create => true).';
    end if;
    if p_slug in ('normalize_all_core_values', 'split') then
      raise exception using errcode = 'EN003',
        message = format('%s is the name of a SQL step, not of a workflow', quote_literal(p_slug));
    end if;
    if p_slug = 'enrich' then  -- the export's own columns are enrich.*, results <workflow>.*
      raise exception using errcode = 'EN003',
        message = '''enrich'' is reserved (the export''s own columns are named enrich.*)';
    end if;
  end if;
  if p_workspace is not null
     and not exists (select from enrich.workspaces s where s.name = p_workspace) then
    raise exception using errcode = 'EN001',
      message = format('unknown workspace %s', quote_literal(p_workspace)),
      hint = 'Create it with `enrich workspace set NAME`.';
  end if;
  if exists (select from unnest(p_learn_domain_from) f where f is null or btrim(f) = '') then
    raise exception using errcode = 'EN003',
      message = 'learn_domain_from names result fields: none may be empty (an empty list learns nothing)';
  end if;
  if p_webhook_auth_tokens is not null
     and cardinality(p_webhook_auth_tokens) <> coalesce(cardinality(p_webhook_urls), -1) then
    raise exception using errcode = 'EN003',
      message = 'give one webhook auth token per webhook URL (NULL for none), in the same order';
  end if;

  -- a workflow's entity type is fixed once it has entities: their callbacks carry a
  -- company_id or a person_id, and a paid result for the other type would be refused
  if exists (select from enrich.workflows w
             where w.slug = p_slug and w.entity_type <> p_entity_type)
     and (exists (select from enrich.company_workflow_states s where s.workflow_slug = p_slug)
          or exists (select from enrich.person_workflow_states s where s.workflow_slug = p_slug))
  then
    raise exception using errcode = 'EN005',
      message = format('workflow %s already has %s entities: its entity type cannot change',
                       quote_literal(p_slug),
                       (select w.entity_type from enrich.workflows w where w.slug = p_slug)),
      hint = 'Create a new workflow for the other entity type.';
  end if;

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
         workspace        = coalesce(p_workspace, w.workspace),
         resends          = coalesce(p_resends, w.resends),
         daily_budget     = case when p_clear_daily_budget then null
                                 else coalesce(p_daily_budget, w.daily_budget) end,
         learn_domain_from = coalesce(p_learn_domain_from, w.learn_domain_from),
         updated_at       = now()
   where w.slug = p_slug;

  if p_webhook_urls is not null then
    -- listed URLs are used in the order given; known ones keep their submission counts;
    -- URLs no longer listed are retired (never deleted: their counts are history)
    update enrich.workflow_webhooks h
       set retired_at = coalesce(h.retired_at, now())
     where h.workflow_slug = p_slug and h.url <> all (p_webhook_urls);
    insert into enrich.workflow_webhooks (workflow_slug, url, position, max_submissions, auth_token)
    select p_slug, u.url, u.position, coalesce(p_max_submissions, 50000),
           nullif(btrim(p_webhook_auth_tokens[u.position]), '')
    from unnest(p_webhook_urls) with ordinality as u(url, position)
    on conflict (workflow_slug, url) do update
      set position = excluded.position,
          max_submissions = coalesce(p_max_submissions, enrich.workflow_webhooks.max_submissions),
          auth_token = case when p_webhook_auth_tokens is null
                            then enrich.workflow_webhooks.auth_token
                            else excluded.auth_token end,
          retired_at = null;
  elsif p_max_submissions is not null then
    update enrich.workflow_webhooks h set max_submissions = p_max_submissions
     where h.workflow_slug = p_slug;
  end if;
  return enrich.describe_workflow(p_slug);
end;
$$;
comment on function enrich.set_workflow(text, text[], interval, integer, numeric, integer, interval, boolean, text, numeric, integer, text, integer, integer, boolean, text[], boolean, text[]) is
  'Creates or updates a workflow; NULL arguments keep the current value. p_webhook_urls '
  'replaces the list of webhooks (known URLs keep their counts, dropped ones are retired), '
  'each with the auth token at the same position of p_webhook_auth_tokens if given. '
  'p_workspace must exist (EN001). An unknown slug is created only with p_create (else '
  'EN001); a SQL step''s name never is (EN003). p_learn_domain_from: the result fields a '
  'company''s domain is learned from (empty: none). Returns describe_workflow().';

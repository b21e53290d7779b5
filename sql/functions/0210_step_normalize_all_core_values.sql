-- Step normalize_all_core_values: clean the core columns and compute the dedupe keys.
-- Set-based; company keys are computed once per distinct (domain, website, email domain).

create or replace function enrich._step_normalize_all_core_values(p_item_ids uuid[]) returns void
language plpgsql set search_path = '' as $$
begin
  with cleaned as (
    select i.id,
           enrich._clean_text(i.data ->> 'email')           as raw_email,
           enrich.normalize_email(i.data ->> 'email')       as email,
           enrich._clean_text(i.data ->> 'first_name')      as first_name,
           enrich._clean_text(i.data ->> 'last_name')       as last_name,
           enrich._clean_text(i.data ->> 'full_name')       as full_name,
           enrich._clean_text(i.data ->> 'linkedin_url')    as linkedin_url,
           enrich.normalize_linkedin_url(i.data ->> 'linkedin_url') as linkedin_key,
           enrich._clean_text(i.data ->> 'title')           as title,
           enrich._clean_text(i.data ->> 'company_name')    as company_name,
           enrich._clean_text(i.data ->> 'company_domain')  as company_domain,
           enrich._clean_text(i.data ->> 'company_website') as company_website
    from enrich.batch_items i
    where i.id = any(p_item_ids)
  ),
  keyed as (
    -- '' stands for NULL so the join below is a plain (hashable) equality
    select c.*, coalesce(c.company_domain, '') as domain_value,
           coalesce(c.company_website, '') as website_value,
           coalesce(split_part(c.email, '@', 2), '') as email_domain_value
    from cleaned c
  ),
  company_keys as materialized (
    select domain_value, website_value, email_domain_value,
           enrich._company_key(nullif(domain_value, ''), nullif(website_value, ''),
                               nullif(email_domain_value, '')) as company_key
    from (select distinct domain_value, website_value, email_domain_value from keyed) as d
  )
  update enrich.batch_items i
     set email           = coalesce(c.email, c.raw_email),
         first_name      = c.first_name,
         last_name       = c.last_name,
         full_name       = coalesce(c.full_name,
                                    nullif(concat_ws(' ', c.first_name, c.last_name), '')),
         linkedin_url    = coalesce(c.linkedin_key, c.linkedin_url),
         title           = c.title,
         company_name    = c.company_name,
         company_domain  = c.company_domain,
         company_website = c.company_website,
         company_key     = k.company_key,
         person_key      = enrich._person_key(c.linkedin_key, c.email,
                                              coalesce(c.full_name, concat_ws(' ', c.first_name, c.last_name)),
                                              k.company_key)
    from keyed c
    join company_keys k
      on k.domain_value = c.domain_value
     and k.website_value = c.website_value
     and k.email_domain_value = c.email_domain_value
   where i.id = c.id;

  insert into enrich.workflow_states (item_id, step_name, status, completed_at)
  select t.id, 'normalize_all_core_values', 'COMPLETED', now()
  from unnest(p_item_ids) as t(id);
end;
$$;
comment on function enrich._step_normalize_all_core_values(uuid[]) is
  'Step normalize_all_core_values: trims core values (case-insensitive input columns are '
  'stored lower-case in data), canonicalises email and LinkedIn URL, computes company_key '
  'and person_key. Always COMPLETED; a row without keys fails at split.';

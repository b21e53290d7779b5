-- Step normalize_all_core_values: clean the core columns and compute the dedupe keys.
-- Set-based: registrable domains are matched once per distinct host, with hash joins.

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
  hosted as materialized (
    select c.*, enrich._url_host(c.company_domain) as domain_host,
           enrich._url_host(c.company_website) as website_host,
           nullif(split_part(c.email, '@', 2), '') as email_host
    from cleaned c
  ),
  registrable as materialized (
    select d.host, d.registrable_domain
    from enrich._registrable_domains(array(
           select distinct h.host
           from hosted, unnest(array[hosted.domain_host, hosted.website_host, hosted.email_host])
                          as h(host)
           where h.host is not null)) as d
  ),
  keyed as (
    -- the company_key rule (see enrich._company_key), set-based: domain, else website, else
    -- the email's domain unless it is a free-mail provider's
    select h.*,
           coalesce(by_domain.registrable_domain, by_website.registrable_domain,
                    case when free_host.domain is null and free_registrable.domain is null
                         then by_email.registrable_domain end) as company_key
    from hosted h
    left join registrable by_domain on by_domain.host = h.domain_host
    left join registrable by_website on by_website.host = h.website_host
    left join registrable by_email on by_email.host = h.email_host
    left join enrich.free_email_domains free_host on free_host.domain = h.email_host
    left join enrich.free_email_domains free_registrable
           on free_registrable.domain = by_email.registrable_domain
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
         company_key     = c.company_key,
         person_key      = enrich._person_key(c.linkedin_key, c.email,
                                              coalesce(c.full_name, concat_ws(' ', c.first_name, c.last_name)),
                                              c.company_key)
    from keyed c
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

-- enrich.normalize_linkedin_url: canonical https://www.linkedin.com/in/<slug> form.

create or replace function enrich.normalize_linkedin_url(p_url text) returns text
language sql immutable parallel safe as $$
  select 'https://www.linkedin.com/in/' || enrich._lower(enrich._percent_decode(m[1]))
  from regexp_match(enrich._clean_text(p_url),
                    '^(?:https?://)?(?:[a-z0-9-]+\.)?linkedin\.com/in/([^/?#\s]+)', 'i') as m
  where m is not null
$$;
comment on function enrich.normalize_linkedin_url(text) is
  'LinkedIn profile URL in canonical form: any country subdomain, scheme, case, trailing '
  'slash, sub-page, query or fragment -> https://www.linkedin.com/in/<slug> (slug '
  'percent-decoded, lower-case). NULL when it is not a /in/ profile URL.';

-- enrich.normalize_linkedin_url: canonical https://www.linkedin.com/in/<slug> form.

create or replace function enrich.normalize_linkedin_url(p_url text) returns text
language sql immutable parallel restricted as $$
  -- one expression (inlinable); the slug is the first capture group
  select 'https://www.linkedin.com/in/' || enrich._lower(enrich._percent_decode(substring(
    enrich._clean_text(p_url)
    from '^(?:[hH][tT][tT][pP][sS]?://)?(?:[a-zA-Z0-9-]+\.)?[lL][iI][nN][kK][eE][dD][iI][nN]\.[cC][oO][mM]/[iI][nN]/([^/?#\s]+)')))
$$;
comment on function enrich.normalize_linkedin_url(text) is
  'LinkedIn profile URL in canonical form: any country subdomain, scheme, case, trailing '
  'slash, sub-page, query or fragment -> https://www.linkedin.com/in/<slug> (slug '
  'percent-decoded, lower-case). NULL when it is not a /in/ profile URL.';

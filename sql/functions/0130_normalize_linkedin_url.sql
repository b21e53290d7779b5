-- enrich.normalize_linkedin_url: canonical https://www.linkedin.com/in/<slug> form.

create or replace function enrich.normalize_linkedin_url(p_url text) returns text
language plpgsql immutable parallel safe as $$
-- String functions instead of one capturing regular expression: it runs for every row of a
-- batch, and in PostgreSQL's regex engine it would be the costliest step of normalisation.
declare
  v_url  text := enrich._lower(enrich._clean_text(p_url));
  v_at   integer := strpos(v_url, 'linkedin.com/in/');
  v_slug text;
begin
  -- only a scheme and one subdomain label may come before linkedin.com/in/
  if v_at = 0 or left(v_url, v_at - 1) !~ '^(https?://)?([a-z0-9-]+\.)?$' then
    return null;
  end if;
  -- the slug ends at a path, query, fragment or space
  v_slug := split_part(split_part(split_part(split_part(
              substr(v_url, v_at + length('linkedin.com/in/')), '/', 1), '?', 1), '#', 1), ' ', 1);
  if v_slug = '' then
    return null;
  end if;
  if strpos(v_slug, '%') > 0 then  -- rare: skip the call (a SQL function that cannot inline)
    v_slug := enrich._percent_decode(v_slug);
  end if;
  return 'https://www.linkedin.com/in/' || enrich._lower(v_slug);
end;
$$;
comment on function enrich.normalize_linkedin_url(text) is
  'LinkedIn profile URL in canonical form: any country subdomain, scheme, case, trailing '
  'slash, sub-page, query or fragment -> https://www.linkedin.com/in/<slug> (slug '
  'percent-decoded, lower-case). NULL when it is not a /in/ profile URL.';

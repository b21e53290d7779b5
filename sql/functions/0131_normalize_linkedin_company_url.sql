-- enrich.normalize_linkedin_company_url: a LinkedIn company, school or showcase page in one
-- canonical form, or linkedin-id:<n> for a page named by its numeric id.

create or replace function enrich.normalize_linkedin_company_url(p_url text) returns text
language plpgsql immutable strict parallel safe as $$
-- String functions instead of one capturing regular expression, like normalize_linkedin_url:
-- it runs for every row of a batch. Not SET search_path (a GUC save/restore per call); every
-- name is qualified or in pg_catalog.
declare
  v_url  text;
  v_at   integer;
  v_path text;
  v_kind text;
  v_seg  text;
  v_id   text;
begin
  -- most values are not LinkedIn at all (the split step tries every row's website and
  -- domain): out before cleaning, on an ASCII-only lower-case copy (collation "C", cheap)
  if pg_catalog.strpos(pg_catalog.lower(p_url collate pg_catalog."C"), 'linkedin.com/') = 0 then
    return null;
  end if;
  v_url := enrich._lower(enrich._clean_text(p_url));
  v_at := pg_catalog.strpos(v_url, 'linkedin.com/');
  -- only a scheme and one subdomain label (www., uk., m.) may come before linkedin.com/
  if v_at = 0 or pg_catalog.left(v_url, v_at - 1) !~ '^(https?://)?([a-z0-9-]+\.)?$' then
    return null;
  end if;
  v_path := pg_catalog.substr(v_url, v_at + pg_catalog.length('linkedin.com/'));
  v_kind := pg_catalog.split_part(v_path, '/', 1);
  if v_kind = 'sales' and pg_catalog.split_part(v_path, '/', 2) = 'company' then
    v_seg := pg_catalog.split_part(v_path, '/', 3);      -- Sales Navigator: always an id
  elsif v_kind in ('company', 'school', 'showcase') then
    v_seg := pg_catalog.split_part(v_path, '/', 2);
  else
    return null;
  end if;
  -- the slug or id ends at a sub-page, query, fragment or space
  v_seg := pg_catalog.split_part(pg_catalog.split_part(pg_catalog.split_part(
             v_seg, '?', 1), '#', 1), ' ', 1);
  if pg_catalog.strpos(v_seg, '%') > 0 then  -- rare: skip the call (it cannot inline)
    v_seg := enrich._lower(enrich._percent_decode(v_seg));
  end if;
  -- a numeric id (Sales Navigator follows it with ",..."): one id space for companies,
  -- schools and showcase pages (LinkedIn's organisation id), so one key whatever the path
  v_id := pg_catalog.split_part(v_seg, ',', 1);
  if v_id <> '' and pg_catalog.translate(v_id, '0123456789', '') = '' then
    return 'linkedin-id:' || v_id;
  end if;
  if v_seg = '' or v_kind = 'sales' then
    return null;
  end if;
  return 'https://www.linkedin.com/' || v_kind || '/' || v_seg;
end;
$$;
comment on function enrich.normalize_linkedin_company_url(text) is
  'LinkedIn company page URL in canonical form: any country subdomain, scheme, case, trailing '
  'slash, sub-page (/about/, /people/, /jobs/), query or fragment -> '
  'https://www.linkedin.com/<company|school|showcase>/<slug> (slug percent-decoded, '
  'lower-case; each namespace its own). A numeric id (/company/12345, Sales Navigator '
  '/sales/company/12345,...) -> linkedin-id:12345. NULL for anything else (a profile, '
  'another host, no slug).';

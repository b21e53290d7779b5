-- enrich.normalize_linkedin_sales_url: a Sales Navigator lead URL as linkedin-sales:<id>, the
-- id's case kept (these ids are case-sensitive).

create or replace function enrich.normalize_linkedin_sales_url(p_url text) returns text
language plpgsql immutable strict parallel safe as $$
-- String functions, not a capturing regular expression (it runs for every row of a batch).
-- The host and path are matched on an ASCII-only lower-case copy (collation "C"), which keeps
-- every character where it was, so the id is cut from the original text.
declare
  v_url  text;
  v_low  text;
  v_at   integer;
  v_from integer;
  v_kind text;
  v_id   text;
begin
  -- most LinkedIn URLs are public profiles: out before cleaning
  if pg_catalog.strpos(pg_catalog.lower(p_url collate pg_catalog."C"), 'linkedin.com/sales/') = 0 then
    return null;
  end if;
  v_url := enrich._clean_text(p_url);
  v_low := pg_catalog.lower(v_url collate pg_catalog."C");
  v_at := pg_catalog.strpos(v_low, 'linkedin.com/sales/');
  -- only a scheme and one subdomain label (www., uk., m.) may come before linkedin.com/
  if v_at = 0 or pg_catalog.left(v_low, v_at - 1) !~ '^(https?://)?([a-z0-9-]+\.)?$' then
    return null;
  end if;
  v_from := v_at + pg_catalog.length('linkedin.com/sales/');
  v_kind := pg_catalog.split_part(pg_catalog.substr(v_low, v_from), '/', 1);
  if v_kind not in ('lead', 'people') then
    return null;
  end if;
  -- <id>,NAME_SEARCH,abc?...: the id ends at a comma, sub-page, query, fragment or space
  v_id := pg_catalog.split_part(pg_catalog.split_part(pg_catalog.split_part(pg_catalog.split_part(
            pg_catalog.substr(v_url, v_from + pg_catalog.length(v_kind) + 1),
            '/', 1), '?', 1), '#', 1), ' ', 1);
  if pg_catalog.strpos(v_id, '%') > 0 then  -- an escaped comma (%2C) ends the id too
    v_id := enrich._percent_decode(v_id);
  end if;
  v_id := pg_catalog.split_part(v_id, ',', 1);
  if v_id = '' then
    return null;
  end if;
  return 'linkedin-sales:' || v_id;
end;
$$;
comment on function enrich.normalize_linkedin_sales_url(text) is
  'Sales Navigator lead URL (/sales/lead/<id>,... or /sales/people/<id>,..., any scheme, '
  'subdomain, case of the host and path, query or fragment) -> linkedin-sales:<id>, the id as '
  'written (case-sensitive). NULL for anything else.';

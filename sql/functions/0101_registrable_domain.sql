-- enrich.registrable_domain: the Public-Suffix-aware registrable domain of a host or URL.
-- The company key is built from it (see company_key).

create or replace function enrich.registrable_domain(p_host_or_url text) returns text
language sql stable parallel safe set search_path = '' as $$
  select d.registrable_domain
  from enrich._registrable_domains(array[enrich._url_host(p_host_or_url)]) as d
$$;
comment on function enrich.registrable_domain(text) is
  'Registrable domain (public suffix + one label) of a host or URL: '
  '"https://shop.acme.co.uk/x" -> "acme.co.uk". NULL for a bare public suffix, an IP '
  'address, a single label or text that is not a host.';

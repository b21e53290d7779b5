-- enrich.registrable_domain: the Public-Suffix-aware registrable domain of a host or URL.
-- The company key is built from it (see company_key).

create or replace function enrich.registrable_domain(p_host_or_url text) returns text
language sql stable parallel safe set search_path = '' as $$
  with labels as (
    select string_to_array(h, '.') as l
    from enrich._url_host(p_host_or_url) as h
    where h is not null
  ),
  public_suffix as (
    -- PSL algorithm: an exception rule wins (the suffix is the rule minus its first label);
    -- else the longest matching rule, plain or wildcard; else the implicit rule "*".
    select l, coalesce(
      (select min(i) + 1 from generate_subscripts(l, 1) as i
        where exists (select from enrich.public_suffix_rules r
                       where r.rule = '!' || array_to_string(l[i:], '.'))),
      (select min(i) from generate_subscripts(l, 1) as i
        where exists (select from enrich.public_suffix_rules r
                       where r.rule in (array_to_string(l[i:], '.'),
                                        '*.' || array_to_string(l[i + 1:], '.')))),
      cardinality(l)) as starts_at
    from labels
  )
  select array_to_string(l[starts_at - 1:], '.') from public_suffix where starts_at > 1
$$;
comment on function enrich.registrable_domain(text) is
  'Registrable domain (public suffix + one label) of a host or URL: '
  '"https://shop.acme.co.uk/x" -> "acme.co.uk". NULL for a bare public suffix, an IP '
  'address, a single label or text that is not a host.';

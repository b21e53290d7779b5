-- enrich.registrable_domain: the Public-Suffix-aware registrable domain of a host or URL.
-- The company key is built from it (see company_key).

create or replace function enrich.registrable_domain(p_host_or_url text) returns text
language plpgsql stable parallel safe set search_path = '' as $$
declare
  v_host   text := enrich._url_host(p_host_or_url);
  v_labels text[];
  v_tail   text;
begin
  if v_host is null then
    return null;
  end if;
  v_labels := string_to_array(v_host, '.');
  -- PSL algorithm, scanning from the longest tail: an exception rule (!rule) makes that tail
  -- the registrable domain; else the first plain or wildcard rule that matches is the public
  -- suffix, and the registrable domain is it plus one label.
  for i in 1 .. cardinality(v_labels) loop
    v_tail := array_to_string(v_labels[i:], '.');
    if exists (select from enrich.public_suffix_rules r where r.rule = '!' || v_tail) then
      return v_tail;
    end if;
    if exists (select from enrich.public_suffix_rules r
                where r.rule = v_tail
                   or r.rule = '*.' || array_to_string(v_labels[i + 1:], '.')) then
      return case when i > 1 then array_to_string(v_labels[i - 1:], '.') end;
    end if;
  end loop;
  -- no rule: the implicit rule "*" (the last label is the public suffix)
  return array_to_string(v_labels[cardinality(v_labels) - 1:], '.');
end;
$$;
comment on function enrich.registrable_domain(text) is
  'Registrable domain (public suffix + one label) of a host or URL: '
  '"https://shop.acme.co.uk/x" -> "acme.co.uk". NULL for a bare public suffix, an IP '
  'address, a single label or text that is not a host.';

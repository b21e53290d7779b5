-- enrich._registrable_domains: the one implementation of the Public Suffix List rule, set-based
-- so a million-row batch matches its hosts with hash joins (registrable_domain is one host).

create or replace function enrich._registrable_domains(p_hosts text[])
returns table (host text, registrable_domain text)
language sql stable parallel safe set search_path = '' as $$
  -- PSL algorithm: among every tail of the host (longest first), the first that matches an
  -- exception rule (!tail) is the registrable domain; else the first matching plain or
  -- wildcard rule is the public suffix, and the registrable domain is it plus one label;
  -- with no match, the implicit rule "*" makes the last label the public suffix.
  -- (the labels of each host's canonical form: an internationalised domain in Unicode and
  -- in Punycode has one registrable domain, in Punycode like the rules)
  with hosts as (
    select distinct h.host,
           string_to_array(case when h.host ~ '[^\u0001-\u007f]' then enrich._idna_host(h.host)
                                else h.host end, '.') as labels  -- (no call for plain ASCII)
    from unnest(p_hosts) as h(host)
    where h.host is not null
  ),
  tails as (
    select hosts.host, hosts.labels, t.i,
           array_to_string(hosts.labels[t.i:], '.') as tail,
           '*.' || array_to_string(hosts.labels[t.i + 1:], '.') as wildcard
    from hosts cross join lateral generate_series(1, cardinality(hosts.labels)) as t(i)
  ),
  first_match as (
    select distinct on (tails.host) tails.host, tails.labels, tails.i,
           exception_rule.rule is not null as is_exception
    from tails
    left join enrich.public_suffix_rules exception_rule on exception_rule.rule = '!' || tails.tail
    left join enrich.public_suffix_rules plain_rule on plain_rule.rule = tails.tail
    left join enrich.public_suffix_rules wildcard_rule on wildcard_rule.rule = tails.wildcard
    where coalesce(exception_rule.rule, plain_rule.rule, wildcard_rule.rule) is not null
    order by tails.host, tails.i
  )
  select hosts.host,
         case when m.is_exception then array_to_string(m.labels[m.i:], '.')
              when m.i > 1 then array_to_string(m.labels[m.i - 1:], '.')
              when m.i = 1 then null
              else array_to_string(hosts.labels[cardinality(hosts.labels) - 1:], '.') end
  from hosts left join first_match m on m.host = hosts.host
$$;
comment on function enrich._registrable_domains(text[]) is
  'Registrable domain of each distinct host (already cleaned by _url_host), in its canonical '
  'A-label form (_idna_host): one row per host, NULL for a bare public suffix. Set-based '
  '(hash joins on public_suffix_rules).';

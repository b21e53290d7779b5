-- enrich._idna_host: a host name in its one canonical form, so an internationalised domain
-- written in Unicode (bücher.de) and in Punycode (xn--bcher-kva.de) is one company. The
-- form is the A-label of UTS 46 (non-transitional): invisible characters UTS 46 ignores
-- (soft hyphen, zero-width space and joiners, variation selectors, byte-order mark) are
-- dropped, ideographic full stops are dots, the rest is NFKC-normalised and lower-cased,
-- and each label that is not plain ASCII is Punycode-encoded. A-labels because DNS, HTTP
-- clients and the Public Suffix List (enrich.public_suffix_rules) all use them. NULL when
-- a label is longer than DNS allows (63 characters) or the host longer than 253.
-- Called only for hosts that are not plain ASCII, once per distinct host.

create or replace function enrich._idna_host(p_host text) returns text
language sql immutable parallel safe as $$
  select case when pg_catalog.length(h.host) <= 253
               and h.host !~ '(^|\.)[^.]{64,}'
              then h.host end
  from (
    select string_agg(case when l.label !~ '[^\u0001-\u007f]' then l.label
                           -- too long for DNS: refused below, so not worth encoding
                           when pg_catalog.length(l.label) > 63 then l.label
                           else 'xn--' || enrich._punycode(l.label) end,
                      '.' order by l.n) as host
    from unnest(string_to_array(
           enrich._lower(normalize(translate(regexp_replace(p_host,
             '[\u00ad\u034f\u180b-\u180f\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff\U0001bca0-\U0001bca3\U000e0100-\U000e01ef]',
             '', 'g'), '。．｡', '...'), nfkc)), '.'))
         with ordinality as l(label, n)
  ) h
$$;
comment on function enrich._idna_host(text) is
  'A host''s canonical (A-label, UTS 46) form: "bücher.de" -> "xn--bcher-kva.de"; NULL if a '
  'label is over 63 characters or the host over 253.';

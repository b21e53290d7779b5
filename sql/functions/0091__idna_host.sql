-- enrich._idna_host: a host name in its one canonical form, so an internationalised domain
-- written in Unicode (bücher.de) and in Punycode (xn--bcher-kva.de) is one company. The
-- form is the A-label of UTS 46 (non-transitional): Unicode labels are NFKC-normalised,
-- lower-cased and Punycode-encoded; ASCII labels stay as they are. A-labels because DNS,
-- HTTP clients and the Public Suffix List (enrich.public_suffix_rules) all use them.
-- Called once per distinct host (enrich._registrable_domains) or for non-ASCII emails.

create or replace function enrich._idna_host(p_host text) returns text
language sql immutable parallel safe as $$
  select case when p_host !~ '[^\u0001-\u007f]' then p_host
         else (select string_agg(case when l.label !~ '[^\u0001-\u007f]' then l.label
                                      else 'xn--' || enrich._punycode(l.label) end,
                                 '.' order by l.n)
               from unnest(string_to_array(enrich._lower(normalize(p_host, nfkc)), '.'))
                    with ordinality as l(label, n)) end
$$;
comment on function enrich._idna_host(text) is
  'A host''s canonical (A-label, UTS 46) form: "bücher.de" -> "xn--bcher-kva.de"; ASCII hosts '
  'unchanged.';

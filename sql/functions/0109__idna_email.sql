-- enrich._idna_email: an email address with its domain in canonical form (_idna_host), so
-- jürgen@bücher.de and jürgen@xn--bcher-kva.de are one person. Not inlined (SET): inlined,
-- its argument (normalize_email's whole cleaning) would be computed once per mention. The
-- split step calls it only for the rare address that is not plain ASCII.

create or replace function enrich._idna_email(p_email text) returns text
language sql immutable parallel safe set search_path = '' as $$
  select case when p_email !~ '[^\u0001-\u007f]' then p_email
              else substring(p_email from '^[^@]*@')
                   || enrich._idna_host(substring(p_email from '@(.*)$')) end
$$;
comment on function enrich._idna_email(text) is
  'An address (already canonical but for its domain) with its domain in A-label form.';

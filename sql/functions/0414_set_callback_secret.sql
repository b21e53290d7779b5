-- enrich.set_callback_secret: the secret enrich.receive_callback accepts (its SHA-256 digest
-- is kept, never the secret). p_keep_previous keeps the ones set before, to rotate without
-- losing callbacks; NULL with p_keep_previous false removes them all.

create or replace function enrich.set_callback_secret(
  p_secret text, p_keep_previous boolean default false
) returns void
language plpgsql set search_path = '' as $$
begin
  -- like ENRICH_CALLBACK_SECRET: an HTTP header carries it, so printable ASCII
  if p_secret is not null and (pg_catalog.length(p_secret) < 16 or p_secret !~ '^[ -~]+$'
                               or p_secret <> pg_catalog.btrim(p_secret))
  then
    raise exception using errcode = 'EN003',
      message = 'a callback secret has at least 16 printable ASCII characters and no '
                'surrounding spaces';
  end if;
  if not coalesce(p_keep_previous, false) then
    delete from enrich.callback_secrets;
  end if;
  if p_secret is not null then
    insert into enrich.callback_secrets (digest)
    values (pg_catalog.sha256(pg_catalog.convert_to(p_secret, 'UTF8')))
    on conflict do nothing;
  end if;
end;
$$;
comment on function enrich.set_callback_secret(text, boolean) is
  'Sets the secret enrich.receive_callback accepts (its digest only; p_keep_previous: keep '
  'the earlier ones while rotating; NULL: none). EN003 for a weak secret.';

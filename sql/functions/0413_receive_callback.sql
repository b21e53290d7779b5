-- enrich.receive_callback: a Clay callback that reaches the database directly (Supabase /
-- PostgREST RPC, where the API key is public): receive_result, once the callback's secret
-- matches one set with enrich.set_callback_secret. The secret is compared by its SHA-256
-- digest (an equality of digests tells an attacker nothing about the secret's characters:
-- constant time in what matters). A wrong secret records nothing.

create or replace function enrich.receive_callback(
  p_secret text, p_workflow text, p_payload jsonb
) returns text
language plpgsql set search_path = '' as $$
begin
  if p_secret is null or not exists (
       select from enrich.callback_secrets s
       where s.digest = pg_catalog.sha256(pg_catalog.convert_to(p_secret, 'UTF8')))
  then
    raise exception using errcode = 'EN006', message = 'callback secret refused';
  end if;
  return enrich.receive_result(p_workflow, p_payload);
end;
$$;
comment on function enrich.receive_callback(text, text, jsonb) is
  'receive_result for callbacks that come straight to the database (Supabase RPC): refused '
  '(EN006, nothing recorded) unless p_secret is one set with enrich.set_callback_secret.';

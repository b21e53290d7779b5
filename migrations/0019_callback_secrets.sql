-- Hashes of the secrets a callback may carry when Clay calls the database directly (through
-- Supabase's or PostgREST's RPC endpoint, whose API key is public): enrich.receive_callback
-- checks the secret itself. Only SHA-256 digests are kept, never a secret.
-- depends: 0018_processes

create table enrich.callback_secrets (
  digest      bytea primary key,
  created_at  timestamptz not null default now(),
  constraint digest_is_sha256 check (octet_length(digest) = 32)
);
comment on table enrich.callback_secrets is
  'SHA-256 digests of the secrets enrich.receive_callback accepts (several while rotating).';

-- enrich._receive_results: receive_results under its previous name, kept for one release as a
-- thin wrapper so receivers still running the previous release keep recording callbacks during
-- a rolling deploy (the database is migrated first). Drop it in the release after.

create or replace function enrich._receive_results(p_workflow text, p_payloads jsonb[])
returns table (ord integer, outcome text, error_state text, error_message text)
language sql set search_path = '' as $$
  select r.ord, r.outcome, r.error_state, r.error_message
  from enrich.receive_results(p_workflow, p_payloads) r
$$;
comment on function enrich._receive_results(text, jsonb[]) is
  'The old name of receive_results, for receivers of the previous release during a rolling '
  'deploy; new code calls receive_results.';

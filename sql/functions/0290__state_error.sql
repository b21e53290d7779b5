-- enrich._state_error: the error an item step is counted under in enrich.batch_counts.

create or replace function enrich._state_error(p_status text, p_meta jsonb) returns text
language sql immutable parallel safe set search_path = '' as $$
  select case when p_status = 'FAILED' then coalesce(p_meta ->> 'error', '') else '' end
$$;
comment on function enrich._state_error(text, jsonb) is
  'A FAILED item step''s meta.error (empty when it has none); empty for any other status. '
  'The error key of enrich.batch_counts.';

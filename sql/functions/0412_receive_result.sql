-- enrich.receive_result: a Clay callback. Records the result against the entity, completes
-- the entity and cascades to every linked item. Idempotent: a repeat answers 'duplicate'.

create or replace function enrich.receive_result(p_workflow text, p_payload jsonb) returns text
language plpgsql set search_path = '' as $$
declare
  v_result record;
begin
  select r.outcome, r.error_state, r.error_message into v_result
    from enrich.receive_results(p_workflow, array[p_payload]) r;
  if v_result.error_state is not null then
    raise exception using errcode = v_result.error_state, message = v_result.error_message;
  end if;
  return v_result.outcome;
end;
$$;
comment on function enrich.receive_result(text, jsonb) is
  'Clay callback: correlates on company_id / person_id (or a batch item_id), stores the '
  'result, completes the entity (even after a timeout or failure: paid-for data is kept) and '
  'cascades to its items. Returns completed | duplicate. Errors: EN001 unknown workflow, '
  'EN002 unknown entity, EN003 malformed payload. Straight from Clay (Supabase RPC), use '
  'enrich.receive_callback, which checks the secret.';

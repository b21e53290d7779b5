-- enrich._mark_sent: LEASED -> SENT, the call paid: the one place a dispatch starts waiting
-- for its callback (a worker's accepted POST, or the reaper's expired lease).

create or replace function enrich._mark_sent(
  p_dispatch_ids bigint[], p_worker text, p_note text
) returns integer
language plpgsql set search_path = '' as $$
declare
  v_marked integer;
begin
  update enrich.dispatches d
     set status = 'SENT', sent_at = now(), callback_deadline = now() + w.timeout,
         leased_by = null, leased_until = null, reserved_on = null, reserved_workspace = null,
         paid_calls = greatest(d.paid_calls, 1), last_error = p_note, updated_at = now()
    from enrich.workflows w
   where d.id = any(p_dispatch_ids) and d.status = 'LEASED'
     and (p_worker is null or d.leased_by = p_worker)
     and w.slug = d.workflow_slug;
  get diagnostics v_marked = row_count;
  return v_marked;
end;
$$;
comment on function enrich._mark_sent(bigint[], text, text) is
  'LEASED -> SENT (leased to p_worker, or to anyone when NULL) with callback_deadline = now() '
  '+ workflow timeout, the reserved call paid, p_note as last_error. Returns how many.';

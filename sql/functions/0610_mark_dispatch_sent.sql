-- enrich.mark_dispatch_sent: Clay accepted the row (2xx), or may have (a 502/504, a timeout
-- or reset after the body went out, a POST cancelled mid-way): the call is paid, and the
-- entity waits for its callback until the deadline.

create or replace function enrich.mark_dispatch_sent(
  p_dispatch_ids bigint[], p_worker text, p_note text default null
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
   where d.id = any(p_dispatch_ids) and d.status = 'LEASED' and d.leased_by = p_worker
     and w.slug = d.workflow_slug;
  get diagnostics v_marked = row_count;
  return v_marked;
end;
$$;
comment on function enrich.mark_dispatch_sent(bigint[], text, text) is
  'LEASED -> SENT with callback_deadline = now() + workflow timeout: the reserved call is '
  'paid. p_note says why a call only possibly reached Clay (e.g. "HTTP 504"). Returns how '
  'many were still leased to p_worker; the others (lease lost, entity already completed by '
  'its callback) are left alone.';

create or replace function enrich.mark_dispatch_sent(p_dispatch_id bigint, p_worker text)
returns boolean
language sql set search_path = '' as $$
  select enrich.mark_dispatch_sent(array[p_dispatch_id], p_worker) = 1
$$;
comment on function enrich.mark_dispatch_sent(bigint, text) is
  'mark_dispatch_sent for one dispatch: true when p_worker still held it and it is now SENT.';

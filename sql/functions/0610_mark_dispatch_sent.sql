-- enrich.mark_dispatch_sent: Clay accepted the row (2xx), or may have (a 502/504, a timeout
-- or reset after the body went out, a POST cancelled mid-way): the call is paid, and the
-- entity waits for its callback until the deadline.

create or replace function enrich.mark_dispatch_sent(
  p_dispatch_ids bigint[], p_worker text, p_note text default null
) returns integer
language sql set search_path = '' as $$
  select enrich._mark_sent(p_dispatch_ids, p_worker, p_note)
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

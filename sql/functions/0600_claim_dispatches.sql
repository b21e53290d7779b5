-- enrich.claim_dispatches: a worker leases up to p_limit due dispatches (SKIP LOCKED), with
-- each entity's payload ready to POST. Two workers can never hold the same dispatch.

create or replace function enrich.claim_dispatches(
  p_worker text, p_limit integer default 10, p_lease interval default '2 minutes'
) returns table (
  dispatch_id bigint, workflow_slug text, entity_type text, entity_id uuid, attempt integer,
  payload jsonb
)
language plpgsql set search_path = '' as $$
begin
  if p_worker is null or p_worker = '' or p_limit is null or p_limit < 1
     or p_lease is null or p_lease <= interval '0' then
    raise exception using errcode = 'EN003',
      message = 'claim_dispatches needs a worker name, a limit >= 1 and a positive lease';
  end if;
  return query
  with due as (
    select d.id from enrich.dispatches d
    where d.status = 'QUEUED' and d.available_at <= now()
    order by d.available_at, d.id
    limit p_limit
    for update skip locked
  ),
  leased as (
    update enrich.dispatches d
       set status = 'LEASED', leased_by = p_worker, leased_until = now() + p_lease,
           attempt = d.attempt + 1, updated_at = now()
      from due where d.id = due.id
    returning d.id, d.workflow_slug, d.entity_type, d.entity_id, d.attempt
  )
  select l.id, l.workflow_slug, l.entity_type, l.entity_id, l.attempt,
         jsonb_build_object('workflow', l.workflow_slug)
           || case l.entity_type when 'company' then enrich.get_company_data(l.entity_id)
                                 else enrich.get_person_data(l.entity_id) end
  from leased l
  order by l.id;
end;
$$;
comment on function enrich.claim_dispatches(text, integer, interval) is
  'Leases up to p_limit due QUEUED dispatches to p_worker until now() + p_lease (FOR UPDATE '
  'SKIP LOCKED), counting an attempt each; returns the payload to POST (contract shape, '
  'without callback_url, which the worker adds).';

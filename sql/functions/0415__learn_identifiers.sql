-- enrich._learn_identifiers: what company results teach. A company known without a domain
-- (by its LinkedIn page or its name) whose result names a domain in the workflow's
-- learn_domain_from fields is queued to learn it (enrich.perform_queued_merges, from worker
-- housekeeping, adds the identifier, or merges the company with the one that has it): the
-- callback stays fast and never waits on a load inserting the same domain while it holds
-- the company (a deadlock). Free-mail and platform hosts teach nothing.

create or replace function enrich._learn_identifiers(
  p_workflow text, p_entity_ids uuid[], p_payloads jsonb[]
) returns void
language plpgsql set search_path = '' as $$
declare
  v_fields  text[];
  v_learned record;
begin
  select w.learn_domain_from into v_fields from enrich.workflows w
   where w.slug = p_workflow and w.entity_type = 'company';
  if coalesce(cardinality(v_fields), 0) = 0 then
    return;
  end if;
  for v_learned in
    select r.company_id, d.domain
    from unnest(p_entity_ids, p_payloads) as r(company_id, payload)
    join enrich.normalized_companies c on c.id = r.company_id and c.domain is null
    cross join lateral (
      select enrich.registrable_domain(r.payload ->> f.field) as domain
      from unnest(v_fields) with ordinality as f(field, n)
      where jsonb_typeof(r.payload -> f.field) = 'string'
      order by f.n limit 1) d
    where d.domain is not null and not enrich._is_platform_domain(d.domain)
      and not enrich._is_free_mail_domain(d.domain)
    order by d.domain
  loop
    insert into enrich.queued_merges (entity_type, entity_id, linked_by)
    values ('company', v_learned.company_id, 'domain:' || v_learned.domain);
  end loop;
end;
$$;
comment on function enrich._learn_identifiers(text, uuid[], jsonb[]) is
  'Company results (entity ids and payloads of one workflow): a company without a domain '
  'is queued to learn the one its result names (learn_domain_from fields; '
  'enrich.perform_queued_merges). Free-mail and platform hosts are ignored.';

-- enrich._learn_identifiers: what company results teach. A company known without a domain
-- (by its LinkedIn page or its name) whose result names a domain in the workflow's
-- learn_domain_from fields gets that domain as an identifier, so a later row with the
-- domain is the same company. A domain another company already has queues a merge of the
-- two (enrich.perform_queued_merges, from worker housekeeping: the callback stays fast).
-- Free-mail and platform hosts teach nothing.

create or replace function enrich._learn_identifiers(
  p_workflow text, p_entity_ids uuid[], p_payloads jsonb[]
) returns void
language plpgsql set search_path = '' as $$
declare
  v_fields  text[];
  v_learned record;
  v_owner   uuid;
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
    insert into enrich.company_identifiers (value, kind, company_id)
    values (v_learned.domain, 'domain', v_learned.company_id)
    on conflict do nothing;
    if found then
      update enrich.normalized_companies c set domain = v_learned.domain, updated_at = now()
       where c.id = v_learned.company_id;
      continue;
    end if;
    select i.company_id into v_owner from enrich.company_identifiers i
     where i.value = v_learned.domain and i.kind = 'domain';
    if v_owner is distinct from v_learned.company_id then
      insert into enrich.queued_merges (entity_type, entity_id, other_id, linked_by)
      values ('company', v_learned.company_id, v_owner, 'domain:' || v_learned.domain);
    end if;
  end loop;
end;
$$;
comment on function enrich._learn_identifiers(text, uuid[], jsonb[]) is
  'Company results (entity ids and payloads of one workflow): a company without a domain '
  'learns the one its result names (learn_domain_from fields); one another company has '
  'queues a merge. Free-mail and platform hosts are ignored.';

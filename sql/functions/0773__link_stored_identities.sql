-- enrich._link_stored_identities: rows stored before entities had identities brought only
-- their key; what else they carry (every email, the LinkedIn profile or Sales Navigator
-- lead, the company page kept as data) becomes identifiers of their entities, and entities
-- those link merge, as a load would have done (nothing is sent). One chunk of items per call
-- (by id, after the last one read), each call its own transaction: `enrich db migrate` calls
-- it until it says it is done, so no lock is held for long on a big database.

create or replace function enrich._link_stored_identities(p_limit integer default 5000)
returns bigint
language plpgsql set search_path = '' as $$
declare
  v_after uuid;
  v_last  uuid;
  v_read  bigint;
begin
  select b.linked_through into v_after from enrich.identity_backfill b
   where b.done_at is null for update;
  if not found then
    return 0;
  end if;
  create temporary table stored_items on commit drop as
  select i.id, i.email, i.linkedin_url, i.data,
         coalesce(rc.entity_id, i.company_id) as company_id,
         coalesce(rp.entity_id, i.person_id) as person_id
  from (select i.* from enrich.batch_items i
         where i.id > coalesce(v_after, '00000000-0000-0000-0000-000000000000')
         order by i.id limit p_limit) i
  left join enrich.entity_redirects rc on rc.old_id = i.company_id
  left join enrich.entity_redirects rp on rp.old_id = i.person_id;
  select count(*), max(s.id::text)::uuid into v_read, v_last from pg_temp.stored_items s;
  if v_read = 0 then
    update enrich.identity_backfill set done_at = now();
    drop table pg_temp.stored_items;
    return 0;
  end if;

  -- the previous release took a platform's or a free-mail provider's domain for a company's
  -- (a row whose website was linkedin.com/company/acme was company linkedin.com): such a
  -- domain identifies no company, and such a company gathers no identifier
  if v_after is null then
    delete from enrich.company_identifiers i
     where i.kind = 'domain'
       and (enrich._is_platform_domain(i.value)
            or exists (select from enrich.free_email_domains f where f.domain = i.value));
  end if;

  -- companies: each row's company (by one identifier it has) and the page the row kept
  create temporary table row_identifiers (item_id uuid, kind text, value text) on commit drop;
  insert into pg_temp.row_identifiers
  select s.id, a.kind, a.value
  from pg_temp.stored_items s
  cross join lateral (select i.kind, i.value from enrich.company_identifiers i
                       where i.company_id = s.company_id limit 1) a
  where s.company_id is not null;
  insert into pg_temp.row_identifiers
  select s.id, case when p.page like 'linkedin-id:%' then 'linkedin_company_id'
                    else 'linkedin_page' end, p.page
  from pg_temp.stored_items s
  cross join lateral (select enrich.normalize_linkedin_company_url(e.value) as page
                        from jsonb_each_text(s.data) e
                       where e.key ~ 'linkedin' and enrich._column_field(e.key) = 'company_linkedin_url'
                       limit 1) p
  where p.page is not null
    and exists (select from pg_temp.row_identifiers a where a.item_id = s.id);
  perform enrich._link_identities('company', 'upgrade');
  update enrich.batch_items i set company_id = e.entity_id
    from pg_temp.item_entities e where i.id = e.item_id and i.company_id is distinct from e.entity_id;
  drop table pg_temp.item_entities;
  truncate pg_temp.row_identifiers;

  -- people: each row's person (by one identifier it has), its address, profile or lead
  insert into pg_temp.row_identifiers
  select s.id, x.kind, x.value
  from pg_temp.stored_items s
  join lateral (select i.kind, i.value from enrich.person_identifiers i
                 where i.person_id = s.person_id limit 1) anchor on true
  cross join lateral (
    select anchor.kind, anchor.value
    union all
    select 'email', enrich.normalize_email(s.email)
     where enrich.normalize_email(s.email) is not null
       and not enrich._is_role_mailbox(enrich.normalize_email(s.email))
    union all
    select 'linkedin', enrich.normalize_linkedin_url(s.linkedin_url)
     where enrich.normalize_linkedin_url(s.linkedin_url) is not null
    union all
    select 'linkedin_sales', enrich.normalize_linkedin_sales_url(s.linkedin_url)
     where enrich.normalize_linkedin_sales_url(s.linkedin_url) is not null) x
  where s.person_id is not null;
  perform enrich._link_identities('person', 'upgrade');
  update enrich.batch_items i set person_id = e.entity_id
    from pg_temp.item_entities e where i.id = e.item_id and i.person_id is distinct from e.entity_id;
  drop table pg_temp.item_entities, pg_temp.row_identifiers, pg_temp.stored_items;

  update enrich.identity_backfill set linked_through = v_last;
  return v_read;
end;
$$;
comment on function enrich._link_stored_identities(integer) is
  'Reads up to p_limit stored items after the last one read: their emails, profiles, leads '
  'and kept company pages become identifiers of their entities, merging what they link '
  '(cause upgrade). Returns the items read; 0 once every item has been (or nothing to do).';

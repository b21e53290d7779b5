-- Steps normalize_all_core_values and split, which always follow each other (every pipeline
-- starts with them) and finish in the same transaction: run as one pass, so each item is
-- rewritten once and both steps' rows are written by one statement (one trigger run).
-- normalize: clean the core columns and read each row's identifiers (registrable domains are
-- matched once per distinct host, with hash joins).
-- split: the rows' companies, then their people, each by every identifier the rows bring
-- (enrich._link_identities: rows sharing one are one entity, across batches); a company row
-- with only a name joins the one company known under that name; each item is linked to both.

create or replace function enrich._step_normalize_and_split(p_item_ids uuid[]) returns void
language plpgsql set search_path = ''
-- The row-wise cleaning below is pure, CPU-bound work (a few dozen regular expressions per
-- row) that the planner costs at one operator each: make parallel workers worth their
-- tuple transfer, so a big batch is cleaned on every core.
set parallel_tuple_cost = 0.001 as $$
declare
  v_split_item_ids uuid[];
  v_split_statuses text[];
begin
  -- 1. Row by row (parallel for a big batch): trimmed core values, canonical emails and
  --    LinkedIn URLs, the hosts the domain is taken from, the company's page and name. Each
  --    value is cleaned once: the outer query's canonical forms take the inner one's cleaned
  --    values (OFFSET 0 keeps the planner from merging the two and cleaning them again).
  create temporary table cleaned_items on commit drop as
  select c.*, enrich._email_of_cleaned(c.raw_email) as email, null::text[] as more_emails,
         enrich._host_of_cleaned(c.company_domain) as domain_host,
         enrich._host_of_cleaned(c.company_website) as website_host,
         -- (a website or domain cell holding a LinkedIn page is the page; the test first
         -- spares most rows a call)
         coalesce(enrich.normalize_linkedin_company_url(c.company_linkedin_url),
                  case when strpos(c.company_website, 'inkedin') > 0
                       then enrich.normalize_linkedin_company_url(c.company_website) end,
                  case when strpos(c.company_domain, 'inkedin') > 0
                       then enrich.normalize_linkedin_company_url(c.company_domain) end)
           as company_page
  from (
    select i.id, i.batch_id, i.row_number,
           enrich._clean_text(i.data ->> 'email')           as raw_email,
           i.data ? 'email_2'                               as has_more_emails,
           enrich._clean_text(i.data ->> 'first_name')      as first_name,
           enrich._clean_text(i.data ->> 'last_name')       as last_name,
           enrich._clean_text(i.data ->> 'full_name')       as full_name,
           enrich._clean_text(i.data ->> 'linkedin_url')    as linkedin_url,
           enrich.normalize_linkedin_url(i.data ->> 'linkedin_url') as linkedin_key,
           case when strpos(i.data ->> 'linkedin_url', '/sales/') > 0
                then enrich.normalize_linkedin_sales_url(i.data ->> 'linkedin_url') end
                                                            as linkedin_sales,
           enrich._clean_text(i.data ->> 'title')           as title,
           enrich._clean_text(i.data ->> 'company_name')    as company_name,
           enrich._clean_text(i.data ->> 'company_domain')  as company_domain,
           enrich._clean_text(i.data ->> 'company_website') as company_website,
           enrich._clean_text(i.data ->> 'company_linkedin_url') as company_linkedin_url
    from enrich.batch_items i
    where i.id = any(p_item_ids)
    offset 0
  ) as c;

  -- a row's other addresses (email_2, email_3...: rare, and a subquery per row would keep
  -- the statement above from running in parallel)
  update pg_temp.cleaned_items c
     set more_emails = array(select enrich._email_of_cleaned(enrich._clean_text(e.value))
                               from jsonb_each_text(i.data) e
                              where e.key ~ '^email_[0-9]+$'
                                and enrich._email_of_cleaned(enrich._clean_text(e.value)) is not null
                              order by length(e.key), e.key)
    from enrich.batch_items i
   where c.has_more_emails and i.id = c.id;

  -- an address with a non-ASCII domain (rare) gets the domain's canonical form
  update pg_temp.cleaned_items c
     set email = enrich._idna_email(c.email),
         more_emails = array(select enrich._idna_email(m) from unnest(c.more_emails) m)
   where c.email ~ '[^\u0001-\u007f]' or array_to_string(c.more_emails, ' ') ~ '[^\u0001-\u007f]';

  -- each distinct company name normalised once
  create temporary table company_name_keys on commit drop as
  select d.company_name, enrich.normalize_company_name(d.company_name) as name_key
  from (select c.company_name from pg_temp.cleaned_items c where c.company_name is not null
        group by 1) d;
  analyze pg_temp.company_name_keys;

  -- 2. The company's domain: registrable domains matched once per distinct host (hash
  --    joins); a row brings at most one: company_domain, else company_website, else the
  --    first email's domain. Free-mail and platform hosts (linkedin.com, github.com...) are
  --    never a company's domain.
  create temporary table registrable on commit drop as
  -- the distinct hosts from one hashed grouping (a distinct over an unnest of each row's
  -- hosts would sort every host of the batch, spilling to disk)
  select d.host,
         case when f_host.domain is null and f_reg.domain is null
                   and not enrich._is_platform_domain(d.registrable_domain)
              then d.registrable_domain end as company_domain
  from enrich._registrable_domains(array(
         select h.host
         from (select c.domain_host from pg_temp.cleaned_items c
               union all select c.website_host from pg_temp.cleaned_items c
               union all select split_part(c.email, '@', 2) from pg_temp.cleaned_items c
               union all select split_part(c.more_emails[1], '@', 2) from pg_temp.cleaned_items c)
              as h(host)
         where h.host is not null and h.host <> ''
         group by h.host)) as d
  left join enrich.free_email_domains f_host on f_host.domain = d.host
  left join enrich.free_email_domains f_reg on f_reg.domain = d.registrable_domain;
  -- (its statistics: one row per host, so the joins below are one-to-one hash joins; a
  -- function's guessed 1,000 rows made the planner sort every row for a merge join)
  analyze pg_temp.registrable;
  create temporary table normalized_items on commit drop as
  select k.id, k.batch_id, k.row_number, coalesce(k.email, k.raw_email) as email,
         k.more_emails, k.first_name, k.last_name,
         coalesce(k.full_name, nullif(concat_ws(' ', k.first_name, k.last_name), '')) as full_name,
         coalesce(k.linkedin_key, k.linkedin_url) as linkedin_url, k.linkedin_key,
         k.linkedin_sales, k.title, k.company_name, names.name_key as company_name_key,
         k.company_domain,
         k.company_website, k.company_page,
         coalesce(by_domain.company_domain, by_website.company_domain, by_email.company_domain,
                  by_email_2.company_domain) as domain_key, k.email as email_key,
         -- who the row is without a strong identifier: its name at its company
         nullif(enrich._lower(enrich._clean_text(coalesce(k.full_name,
                  concat_ws(' ', k.first_name, k.last_name)))), '') as name_key
  from pg_temp.cleaned_items k
  left join pg_temp.registrable by_domain
         on by_domain.host = k.domain_host and by_domain.company_domain is not null
  left join pg_temp.registrable by_website
         on by_website.host = k.website_host and by_website.company_domain is not null
  left join pg_temp.registrable by_email on by_email.host = split_part(k.email, '@', 2)
  left join pg_temp.registrable by_email_2
         on by_email_2.host = split_part(k.more_emails[1], '@', 2)
  left join pg_temp.company_name_keys names on names.company_name = k.company_name;
  drop table pg_temp.cleaned_items, pg_temp.company_name_keys, pg_temp.registrable;
  -- statistics for the joins below (a temporary table has none): without them the planner
  -- guesses hundreds of millions of rows and sorts for merge joins, spilling to disk
  analyze pg_temp.normalized_items;

  -- 3. Companies: by domain and LinkedIn page (strong identifiers) first ...
  create temporary table row_identifiers (item_id uuid, kind text, value text) on commit drop;
  insert into pg_temp.row_identifiers
  select n.id, 'domain', n.domain_key from pg_temp.normalized_items n where n.domain_key is not null
  union all
  select n.id, case when n.company_page like 'linkedin-id:%' then 'linkedin_company_id'
                    else 'linkedin_page' end, n.company_page
  from pg_temp.normalized_items n where n.company_page is not null;
  perform enrich._link_identities('company', 'batch');
  create temporary table item_companies on commit drop as
  select e.item_id, e.entity_id as company_id, e.is_new from pg_temp.item_entities e;
  drop table pg_temp.item_entities;
  truncate pg_temp.row_identifiers;

  --    ... then rows with only a name: the one company known by a strong identifier whose
  --    rows carried that name (this batch's included), else the company known by that name
  --    alone (made if none is). A name never overrules a strong identifier.
  create temporary table batch_names on commit drop as
  select distinct n.company_name_key as name, c.company_id
  from pg_temp.normalized_items n join pg_temp.item_companies c on c.item_id = n.id
  where n.company_name_key is not null;
  --    (the rows without a company yet are those without a strong identifier that
  --    _link_identities took: it ignores values over 2,000 bytes)
  create temporary table name_rows on commit drop as
  select n.id, n.company_name_key as name from pg_temp.normalized_items n
  where n.company_name_key is not null
    and (n.domain_key is null or octet_length(n.domain_key) > 2000)
    and (n.company_page is null or octet_length(n.company_page) > 2000);
  if exists (select from pg_temp.name_rows) then
    create temporary table named_companies on commit drop as
    select k.name, min(k.company_id::text)::uuid as company_id
    from (select b.name, b.company_id from pg_temp.batch_names b
          union
          select k.name, k.company_id from enrich.company_names k
          where k.name = any(array(select distinct r.name from pg_temp.name_rows r))) k
    group by k.name having count(*) = 1;
    insert into pg_temp.item_companies (item_id, company_id, is_new)
    select r.id, k.company_id, false
    from pg_temp.name_rows r join pg_temp.named_companies k on k.name = r.name;
    insert into pg_temp.row_identifiers
    select r.id, 'name', 'name:' || r.name from pg_temp.name_rows r
    where not exists (select from pg_temp.named_companies k where k.name = r.name);
    perform enrich._link_identities('company', 'batch');
    insert into pg_temp.item_companies select e.item_id, e.entity_id, e.is_new
    from pg_temp.item_entities e;
    drop table pg_temp.item_entities, pg_temp.named_companies;
    truncate pg_temp.row_identifiers;
  end if;
  drop table pg_temp.name_rows;
  analyze pg_temp.item_companies;

  -- the new companies, each from its first row; the names their rows carried
  insert into enrich.normalized_companies (id, domain, name, website)
  select distinct on (c.company_id) c.company_id,
         min(n.domain_key) over (partition by c.company_id), n.company_name, n.company_website
  from pg_temp.item_companies c join pg_temp.normalized_items n on n.id = c.item_id
  where c.is_new
  order by c.company_id, n.company_name is null, n.row_number;
  -- a company known before gains the domain a row brings it (the identifier is its now)
  update enrich.normalized_companies c set domain = d.domain, updated_at = now()
    from (select c.company_id, min(n.domain_key) as domain
            from pg_temp.item_companies c join pg_temp.normalized_items n on n.id = c.item_id
           where not c.is_new and n.domain_key is not null group by 1) d
   where c.id = d.company_id and c.domain is null
     and exists (select from enrich.company_identifiers i
                  where i.value = d.domain and i.kind = 'domain' and i.company_id = c.id);
  insert into enrich.company_names (name, company_id)
  select b.name, b.company_id from pg_temp.batch_names b
  where octet_length(b.name) <= 2000  -- (as identifiers: an index entry must fit a page)
  order by 1, 2
  on conflict do nothing;
  drop table pg_temp.batch_names;

  -- 4. People of the rows that have a company: by LinkedIn profile, Sales Navigator lead
  --    and every email that is not a role mailbox (strong identifiers); without those, by
  --    name at their company.
  insert into pg_temp.row_identifiers
  select n.id, coalesce(s.kind, 'name_at_company'),
         coalesce(s.value, 'name:' || n.name_key || '@' || n.company_id)
  from (select n.id, n.linkedin_key, n.linkedin_sales, n.email_key, n.more_emails, n.name_key,
               c.company_id
        from pg_temp.normalized_items n join pg_temp.item_companies c on c.item_id = n.id) n
  left join lateral (  -- (a row with none of these: one row of nulls, its name at its company)
    select 'linkedin' as kind, n.linkedin_key as value where n.linkedin_key is not null
    union all
    select 'linkedin_sales', n.linkedin_sales where n.linkedin_sales is not null
    union all
    select 'email', n.email_key
    where n.email_key is not null and not enrich._is_role_mailbox(n.email_key)
    union all
    select 'email', m from unnest(n.more_emails) m
    where m is not null and not enrich._is_role_mailbox(m)
  ) s on true
  where s.kind is not null or n.name_key is not null;
  analyze pg_temp.row_identifiers;
  perform enrich._link_identities('person', 'batch');
  create temporary table item_people on commit drop as
  select e.item_id, e.entity_id as person_id, e.is_new from pg_temp.item_entities e;
  drop table pg_temp.item_entities, pg_temp.row_identifiers;
  analyze pg_temp.item_people;

  -- 5. Each item with its links; the new people, each made from its first row (the one
  --    with the strongest identifier).
  create temporary table linked_items on commit drop as
  select n.*, c.company_id, p.person_id, p.is_new as new_person,
         case when c.company_id is null then 'FAILED' else 'COMPLETED' end as split_status,
         case when c.company_id is null
              then enrich._company_key_error(n.company_domain, n.company_website, n.email)
         end as split_error
  from pg_temp.normalized_items n
  left join pg_temp.item_companies c on c.item_id = n.id
  left join pg_temp.item_people p on p.item_id = n.id;
  drop table pg_temp.normalized_items, pg_temp.item_companies, pg_temp.item_people;
  analyze pg_temp.linked_items;

  -- (each entity's key, for the items below: the new people's as they are made)
  create temporary table entity_keys (id uuid, key text) on commit drop;
  with made as (
    insert into enrich.normalized_people
      (id, person_key, batch_item_id, company_id, email, first_name, last_name, full_name,
       linkedin_url, title)
    select distinct on (n.person_id)
           n.person_id,
           left(coalesce(n.linkedin_key, n.linkedin_sales,
                         case when not enrich._is_role_mailbox(n.email_key) then n.email_key end,
                         (select m from unnest(n.more_emails) m
                           where not enrich._is_role_mailbox(m) limit 1),
                         'name:' || n.name_key || '@' || k.company_key), 500),
           n.id, n.company_id, n.email, n.first_name, n.last_name, n.full_name, n.linkedin_url,
           n.title
    from pg_temp.linked_items n
    cross join lateral (select coalesce(n.domain_key, n.company_page,
                                        'name:' || n.company_name_key) as company_key) k
    where n.new_person
    order by n.person_id, n.linkedin_key is null, n.linkedin_sales is null, n.email_key is null,
             n.row_number
    returning id, person_key)
  insert into pg_temp.entity_keys select made.id, made.person_key from made;

  -- a person known before gains the profile and address a row brings, where it had none
  update enrich.normalized_people p
     set linkedin_url = coalesce(p.linkedin_url, n.linkedin_key),
         email = coalesce(p.email, n.email_key), updated_at = now()
    from (select l.person_id, min(l.linkedin_key) as linkedin_key, min(l.email_key) as email_key
            from pg_temp.linked_items l
           where not l.new_person and (l.linkedin_key is not null or l.email_key is not null)
           group by 1) n
   where p.id = n.person_id
     and (p.linkedin_url is null and n.linkedin_key is not null
          or p.email is null and n.email_key is not null);

  -- 6. One write per item: its normalised values, its links and its entities' keys.
  insert into pg_temp.entity_keys
  select c.id, coalesce(c.domain, enrich._company_key_of(c.id))
  from enrich.normalized_companies c
  where c.id = any(array(select distinct l.company_id from pg_temp.linked_items l
                          where l.company_id is not null))
  union all
  select p.id, p.person_key from enrich.normalized_people p
  where p.id = any(array(select distinct l.person_id from pg_temp.linked_items l
                          where not l.new_person));
  analyze pg_temp.entity_keys;
  update enrich.batch_items i
     set email = n.email, first_name = n.first_name, last_name = n.last_name,
         full_name = n.full_name, linkedin_url = n.linkedin_url, title = n.title,
         company_name = n.company_name, company_domain = n.company_domain,
         company_website = n.company_website, company_key = ck.key,
         person_key = pk.key, company_id = n.company_id, person_id = n.person_id
    from pg_temp.linked_items n
    left join pg_temp.entity_keys ck on ck.id = n.company_id
    left join pg_temp.entity_keys pk on pk.id = n.person_id
   where i.id = n.id;
  -- rows the one-key rule (LinkedIn URL, else email, else name; a company's domain) would
  -- have given another entity: each a call it would have paid (enrich.batch_identity_counts)
  insert into enrich.batch_identity_counts as k (batch_id, shard, rows_by_second_identifier)
  select n.batch_id, pg_backend_pid(), count(*)
  from pg_temp.linked_items n
  left join pg_temp.entity_keys ck on ck.id = n.company_id
  left join pg_temp.entity_keys pk on pk.id = n.person_id
  where n.domain_key <> ck.key or coalesce(n.linkedin_key, n.email_key) <> pk.key
  group by 1
  order by 1
  on conflict (batch_id, shard) do update
    set rows_by_second_identifier = k.rows_by_second_identifier + excluded.rows_by_second_identifier;
  drop table pg_temp.entity_keys;

  -- 7. Both steps' rows, one statement: normalize COMPLETED; split COMPLETED, or FAILED with
  --    the reason when the row has no company.
  insert into enrich.workflow_states (item_id, step_name, status, meta, completed_at, failed_at)
  select n.id, s.step_name, s.status, s.meta,
         case when s.status = 'COMPLETED' then now() end,
         case when s.status = 'FAILED' then now() end
  from pg_temp.linked_items n
  cross join lateral (values
    ('normalize_all_core_values', 'COMPLETED', '{}'::jsonb),
    ('split',
     n.split_status,
     case when n.company_id is null
          then jsonb_build_object('error', n.split_error)
          when n.person_id is null then jsonb_build_object('company_id', n.company_id)
          else jsonb_build_object('company_id', n.company_id, 'person_id', n.person_id) end)
  ) as s(step_name, status, meta);
  -- and their counts (enrich.batch_counts)
  perform enrich._count_states(array_agg(c.batch_id), array_agg(s.step_name),
                               array_agg(s.status), array_agg(false), array_agg(s.error),
                               array_agg(c.n))
  from (select n.batch_id, n.split_status, coalesce(n.split_error, '') as split_error,
               count(*) as n
        from pg_temp.linked_items n group by 1, 2, 3) c
  cross join lateral (values ('normalize_all_core_values', 'COMPLETED', ''),
                             ('split', c.split_status, c.split_error)) as s(step_name, status, error);

  -- 8. The items move on from split (the steps hand their finished rows to the orchestrator:
  --    sql/triggers/0700's header says why).
  select array_agg(n.id), array_agg(n.split_status) into v_split_item_ids, v_split_statuses
  from pg_temp.linked_items n;
  drop table pg_temp.linked_items;
  if v_split_item_ids is not null then
    perform enrich._advance_items(v_split_item_ids,
                                  array_fill('split'::text, array[cardinality(v_split_item_ids)]),
                                  v_split_statuses);
  end if;
end;
$$;
comment on function enrich._step_normalize_and_split(uuid[]) is
  'Steps normalize_all_core_values and split in one pass: trims core values, reads each '
  'row''s company and person identifiers, links rows to the companies and people those '
  'identify (across batches, merging entities a row links) and links each item to both. '
  'normalize is always COMPLETED; split FAILS with meta.error saying why when the row names '
  'no company.';

-- Steps normalize_all_core_values and split, which always follow each other (every pipeline
-- starts with them) and finish in the same transaction: run as one pass, so each item is
-- rewritten once and both steps' rows are written by one statement (one trigger run).
-- normalize: clean the core columns and compute the dedupe keys (registrable domains are
-- matched once per distinct host, with hash joins).
-- split: upsert companies by company_key and people by person_key (ordered by key, so
-- concurrent batches never deadlock on the same entities) and link each item to both.

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
  -- 1. Row by row (parallel for a big batch): trimmed core values, canonical email and
  --    LinkedIn URL, and the hosts the company key is taken from. Each value is cleaned
  --    once: the outer query's canonical forms take the inner one's cleaned values (OFFSET 0
  --    keeps the planner from merging the two and cleaning every value again).
  create temporary table cleaned_items on commit drop as
  select c.*, enrich._email_of_cleaned(c.raw_email) as email,
         enrich._host_of_cleaned(c.company_domain) as domain_host,
         enrich._host_of_cleaned(c.company_website) as website_host
  from (
    select i.id, i.batch_id, i.row_number,
           enrich._clean_text(i.data ->> 'email')           as raw_email,
           enrich._clean_text(i.data ->> 'first_name')      as first_name,
           enrich._clean_text(i.data ->> 'last_name')       as last_name,
           enrich._clean_text(i.data ->> 'full_name')       as full_name,
           enrich._clean_text(i.data ->> 'linkedin_url')    as linkedin_url,
           enrich.normalize_linkedin_url(i.data ->> 'linkedin_url') as linkedin_key,
           enrich._clean_text(i.data ->> 'title')           as title,
           enrich._clean_text(i.data ->> 'company_name')    as company_name,
           enrich._clean_text(i.data ->> 'company_domain')  as company_domain,
           enrich._clean_text(i.data ->> 'company_website') as company_website
    from enrich.batch_items i
    where i.id = any(p_item_ids)
    offset 0
  ) as c;

  -- an address with a non-ASCII domain (rare) gets the domain's canonical form
  update pg_temp.cleaned_items c set email = enrich._idna_email(c.email)
   where c.email ~ '[^\u0001-\u007f]';

  -- 2. The keys: registrable domains matched once per distinct host (hash joins).
  create temporary table normalized_items on commit drop as
  with registrable as materialized (
    -- the distinct hosts from one hashed grouping of the three columns (a distinct over an
    -- unnest of each row's three would sort every host of the batch, spilling to disk)
    select d.host, d.registrable_domain
    from enrich._registrable_domains(array(
           select h.host
           from (select c.domain_host from pg_temp.cleaned_items c
                 union all select c.website_host from pg_temp.cleaned_items c
                 union all select split_part(c.email, '@', 2) from pg_temp.cleaned_items c)
                as h(host)
           where h.host is not null
           group by h.host)) as d
  ),
  keyed as (
    -- the company_key rule (see enrich._company_key), set-based: domain, else website, else
    -- the email's domain unless it is a free-mail provider's (a canonical email's host:
    -- never empty)
    select h.*,
           coalesce(by_domain.registrable_domain, by_website.registrable_domain,
                    case when free_host.domain is null and free_registrable.domain is null
                         then by_email.registrable_domain end) as company_key
    from pg_temp.cleaned_items h
    left join registrable by_domain on by_domain.host = h.domain_host
    left join registrable by_website on by_website.host = h.website_host
    left join registrable by_email on by_email.host = split_part(h.email, '@', 2)
    left join enrich.free_email_domains free_host on free_host.domain = split_part(h.email, '@', 2)
    left join enrich.free_email_domains free_registrable
           on free_registrable.domain = by_email.registrable_domain
  )
  select k.id, coalesce(k.email, k.raw_email) as email, k.first_name, k.last_name,
         coalesce(k.full_name, nullif(concat_ws(' ', k.first_name, k.last_name), '')) as full_name,
         coalesce(k.linkedin_key, k.linkedin_url) as linkedin_url, k.title, k.company_name,
         k.company_domain, k.company_website, k.company_key,
         enrich._person_key(k.linkedin_key, k.email,
                            coalesce(k.full_name, concat_ws(' ', k.first_name, k.last_name)),
                            k.company_key) as person_key,
         k.row_number, k.batch_id
  from keyed k;
  drop table pg_temp.cleaned_items;
  -- statistics for the joins below (a temporary table has none): without them the planner
  -- guesses hundreds of millions of rows and sorts for merge joins, spilling to disk
  analyze pg_temp.normalized_items;

  -- 3. Companies and people (across batches): insert the new ones, keeping their ids, then
  --    look up the ones other batches created, once per key (not once per row).
  create temporary table batch_companies (company_key text, id uuid) on commit drop;
  with inserted as (
    insert into enrich.normalized_companies (domain, name, website)
    select distinct on (n.company_key) n.company_key, n.company_name, n.company_website
    from pg_temp.normalized_items n
    where n.company_key is not null
    order by n.company_key, n.company_name is null, n.row_number
    on conflict (domain) do nothing
    returning domain, id)
  insert into pg_temp.batch_companies select domain, id from inserted;
  insert into pg_temp.batch_companies
  select c.domain, c.id from enrich.normalized_companies c
  where c.domain = any(array(select n.company_key from pg_temp.normalized_items n
                              where n.company_key is not null
                             except
                             select b.company_key from pg_temp.batch_companies b));
  analyze pg_temp.batch_companies;

  create temporary table batch_people (person_key text, id uuid) on commit drop;
  with inserted as (
    insert into enrich.normalized_people
      (person_key, batch_item_id, company_id, email, first_name, last_name, full_name,
       linkedin_url, title)
    select distinct on (n.person_key)
           n.person_key, n.id, c.id, n.email, n.first_name, n.last_name, n.full_name,
           n.linkedin_url, n.title
    from pg_temp.normalized_items n
    join pg_temp.batch_companies c on c.company_key = n.company_key
    where n.person_key is not null
    order by n.person_key, n.row_number
    on conflict (person_key) do nothing
    returning person_key, id)
  insert into pg_temp.batch_people select person_key, id from inserted;
  insert into pg_temp.batch_people
  select p.person_key, p.id from enrich.normalized_people p
  where p.person_key = any(array(select n.person_key from pg_temp.normalized_items n
                                  where n.person_key is not null and n.company_key is not null
                                 except
                                 select b.person_key from pg_temp.batch_people b));
  analyze pg_temp.batch_people;

  -- 4. Each item with its links: its company, and its person when it has a company (NULL
  --    otherwise). One table, so the two writes below read it without a join.
  create temporary table linked_items on commit drop as
  select n.*, c.id as company_id, p.id as person_id,
         case when c.id is null then 'FAILED' else 'COMPLETED' end as split_status,
         case when c.id is null
              then enrich._company_key_error(n.company_domain, n.company_website, n.email)
         end as split_error
  from pg_temp.normalized_items n
  left join pg_temp.batch_companies c on c.company_key = n.company_key
  left join pg_temp.batch_people p on p.person_key = n.person_key and c.id is not null;
  drop table pg_temp.normalized_items;
  analyze pg_temp.linked_items;

  -- 5. One write per item: its normalised values and its links.
  update enrich.batch_items i
     set email = n.email, first_name = n.first_name, last_name = n.last_name,
         full_name = n.full_name, linkedin_url = n.linkedin_url, title = n.title,
         company_name = n.company_name, company_domain = n.company_domain,
         company_website = n.company_website, company_key = n.company_key,
         person_key = n.person_key, company_id = n.company_id, person_id = n.person_id
    from pg_temp.linked_items n
   where i.id = n.id;

  -- 6. Both steps' rows, one statement: normalize COMPLETED; split COMPLETED, or FAILED with
  --    the reason when the row has no company key.
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

  -- 7. The items move on from split (the steps hand their finished rows to the orchestrator:
  --    sql/triggers/0700's header says why).
  select array_agg(n.id), array_agg(n.split_status) into v_split_item_ids, v_split_statuses
  from pg_temp.linked_items n;
  drop table pg_temp.linked_items, pg_temp.batch_people, pg_temp.batch_companies;
  if v_split_item_ids is not null then
    perform enrich._advance_items(v_split_item_ids,
                                  array_fill('split'::text, array[cardinality(v_split_item_ids)]),
                                  v_split_statuses);
  end if;
end;
$$;
comment on function enrich._step_normalize_and_split(uuid[]) is
  'Steps normalize_all_core_values and split in one pass: trims core values, canonicalises '
  'email and LinkedIn URL, computes company_key and person_key; upserts companies and '
  'people (across batches) and links each item to both. normalize is always COMPLETED; '
  'split FAILS with meta.error saying why when the row has no company key.';

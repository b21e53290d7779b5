-- Step split: dedupe items into normalized_companies and normalized_people and link them.
-- Inserts are ordered by key so concurrent batches never deadlock on the same entities.
-- Items are reached by `id = any(array)`: index probes or a hashed filter, whatever the
-- (often stale, mid-transaction) statistics say; never a rescanned join.

create or replace function enrich._step_split(p_item_ids uuid[]) returns void
language plpgsql set search_path = '' as $$
begin
  insert into enrich.normalized_companies (domain, name, website)
  select distinct on (i.company_key) i.company_key, i.company_name, i.company_website
  from enrich.batch_items i
  where i.id = any(p_item_ids) and i.company_key is not null
  order by i.company_key, i.company_name is null, i.row_number
  on conflict (domain) do nothing;

  insert into enrich.normalized_people
    (person_key, batch_item_id, company_id, email, first_name, last_name, full_name,
     linkedin_url, title)
  select distinct on (i.person_key)
         i.person_key, i.id, c.id, i.email, i.first_name, i.last_name, i.full_name,
         i.linkedin_url, i.title
  from enrich.batch_items i
  join enrich.normalized_companies c on c.domain = i.company_key
  where i.id = any(p_item_ids) and i.person_key is not null
  order by i.person_key, i.row_number
  on conflict (person_key) do nothing;

  update enrich.batch_items i
     set company_id = (select c.id from enrich.normalized_companies c where c.domain = i.company_key),
         person_id  = (select p.id from enrich.normalized_people p where p.person_key = i.person_key)
   where i.id = any(p_item_ids) and i.company_key is not null;

  insert into enrich.workflow_states (item_id, step_name, status, meta, completed_at, failed_at)
  select i.id, 'split',
         case when i.company_id is null then 'FAILED' else 'COMPLETED' end,
         case when i.company_id is null
              then jsonb_build_object('error', enrich._company_key_error(
                     i.company_domain, i.company_website, i.email))
              else jsonb_build_object('company_id', i.company_id, 'person_id', i.person_id) end,
         case when i.company_id is not null then now() end,
         case when i.company_id is null then now() end
  from enrich.batch_items i
  where i.id = any(p_item_ids);
end;
$$;
comment on function enrich._step_split(uuid[]) is
  'Step split: upserts companies by company_key and people by person_key (across batches), '
  'links each item to both. An item without a company key FAILS with meta.error saying why.';

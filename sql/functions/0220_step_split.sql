-- Step split: dedupe items into normalized_companies and normalized_people and link them.
-- Inserts are ordered by key so concurrent batches never deadlock on the same entities.

create or replace function enrich._step_split(p_item_ids uuid[]) returns void
language plpgsql set search_path = '' as $$
begin
  insert into enrich.normalized_companies (domain, name, website)
  select distinct on (i.company_key) i.company_key, i.company_name, i.company_website
  from unnest(p_item_ids) as t(id)
  join enrich.batch_items i on i.id = t.id
  where i.company_key is not null
  order by i.company_key, i.company_name is null, i.row_number
  on conflict (domain) do nothing;

  insert into enrich.normalized_people
    (person_key, batch_item_id, company_id, email, first_name, last_name, full_name,
     linkedin_url, title)
  select distinct on (i.person_key)
         i.person_key, i.id, c.id, i.email, i.first_name, i.last_name, i.full_name,
         i.linkedin_url, i.title
  from unnest(p_item_ids) as t(id)
  join enrich.batch_items i on i.id = t.id
  join enrich.normalized_companies c on c.domain = i.company_key
  where i.person_key is not null
  order by i.person_key, i.row_number
  on conflict (person_key) do nothing;

  update enrich.batch_items i
     set company_id = c.id,
         person_id  = p.id
    from unnest(p_item_ids) as t(id)
    join enrich.batch_items src on src.id = t.id
    join enrich.normalized_companies c on c.domain = src.company_key
    left join enrich.normalized_people p on p.person_key = src.person_key
   where i.id = t.id;

  insert into enrich.workflow_states (item_id, step_name, status, meta, completed_at, failed_at)
  select i.id, 'split',
         case when i.company_id is null then 'FAILED' else 'COMPLETED' end,
         case when i.company_id is null
              then jsonb_build_object('error', enrich._company_key_error(
                     i.company_domain, i.company_website, i.email))
              else jsonb_build_object('company_id', i.company_id, 'person_id', i.person_id) end,
         case when i.company_id is not null then now() end,
         case when i.company_id is null then now() end
  from unnest(p_item_ids) as t(id)
  join enrich.batch_items i on i.id = t.id;
end;
$$;
comment on function enrich._step_split(uuid[]) is
  'Step split: upserts companies by company_key and people by person_key (across batches), '
  'links each item to both. An item without a company key FAILS with meta.error saying why.';

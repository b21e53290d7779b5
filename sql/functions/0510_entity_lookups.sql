-- The seed plan's read helpers: item -> entity ids, entity data, entity workflow status.
-- Not-found cases return NULL, never raise.

create or replace function enrich.get_company_id_for_item(p_item_id uuid) returns uuid
language sql stable set search_path = '' as $$
  select i.company_id from enrich.batch_items i where i.id = p_item_id
$$;
comment on function enrich.get_company_id_for_item(uuid) is
  'Seed helper: the company of a batch item (set by split); NULL if unknown.';

create or replace function enrich.get_person_id_for_item(p_item_id uuid) returns uuid
language sql stable set search_path = '' as $$
  select i.person_id from enrich.batch_items i where i.id = p_item_id
$$;
comment on function enrich.get_person_id_for_item(uuid) is
  'Seed helper: the person of a batch item (set by split); NULL if unknown.';

create or replace function enrich.get_company_data(p_company_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_strip_nulls(jsonb_build_object(
           'company_id', c.id, 'company_domain', c.domain, 'company_name', c.name,
           'company_website', c.website))
  from enrich.normalized_companies c where c.id = p_company_id
$$;
comment on function enrich.get_company_data(uuid) is
  'Seed helper: the fields sent to Clay for a company (from normalized_companies, never '
  'batch_items); NULL if unknown.';

create or replace function enrich.get_person_data(p_person_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_strip_nulls(jsonb_build_object(
           'person_id', p.id, 'email', p.email, 'first_name', p.first_name,
           'last_name', p.last_name, 'full_name', p.full_name, 'linkedin_url', p.linkedin_url,
           'title', p.title, 'company_domain', c.domain, 'company_name', c.name))
  from enrich.normalized_people p
  left join enrich.normalized_companies c on c.id = p.company_id
  where p.id = p_person_id
$$;
comment on function enrich.get_person_data(uuid) is
  'Seed helper: the fields sent to Clay for a person (from normalized_people and its '
  'company); NULL if unknown.';

create or replace function enrich.get_company_workflow_status(
  p_company_id uuid, p_workflow_slug text
) returns text
language sql stable set search_path = '' as $$
  select s.status from enrich.company_workflow_states s
  where s.company_id = p_company_id and s.workflow_slug = p_workflow_slug
$$;
comment on function enrich.get_company_workflow_status(uuid, text) is
  'Seed helper: PENDING | IN_PROGRESS | COMPLETED | FAILED, or NULL if never claimed.';

create or replace function enrich.get_person_workflow_status(
  p_person_id uuid, p_workflow_slug text
) returns text
language sql stable set search_path = '' as $$
  select s.status from enrich.person_workflow_states s
  where s.person_id = p_person_id and s.workflow_slug = p_workflow_slug
$$;
comment on function enrich.get_person_workflow_status(uuid, text) is
  'Seed helper: PENDING | IN_PROGRESS | COMPLETED | FAILED, or NULL if never claimed.';

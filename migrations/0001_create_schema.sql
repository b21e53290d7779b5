-- Schema `enrich`: every table of the entity-level state machine.
-- Logic lives in sql/ (re-applied on every migrate); this file only holds structure.
-- depends:

create schema enrich;
comment on schema enrich is
  'enrich-once: rows walk a pipeline of steps; each company and person is enriched once.';

-- ---------------------------------------------------------------------------------------
-- Configuration: workflows (one per entity enrichment) and pipelines (ordered steps).
-- ---------------------------------------------------------------------------------------
create table enrich.workflows (
  slug               text primary key,
  entity_type        text not null,
  timeout            interval not null default '30 minutes',
  max_attempts       integer not null default 3,
  rate_per_second    numeric not null default 10,
  burst              integer not null default 20,
  ttl                interval,
  credits_per_call   numeric not null default 1,
  rate_tokens        numeric not null default 20,
  rate_refilled_at   timestamptz not null default now(),
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint entity_type_is_valid check (entity_type in ('company', 'person')),
  constraint slug_is_identifier check (slug ~ '^[a-z][a-z0-9_]*$'),
  constraint timeout_is_positive check (timeout > interval '0'),
  constraint max_attempts_is_positive check (max_attempts >= 1),
  constraint rate_is_positive check (rate_per_second > 0),
  constraint burst_is_positive check (burst >= 1),
  constraint ttl_is_positive check (ttl is null or ttl > interval '0'),
  constraint credits_per_call_not_negative check (credits_per_call >= 0)
);
comment on table enrich.workflows is
  'An enrichment done once per entity (company or person) by a Clay table. A pipeline step '
  'whose name is a workflow slug is an entity step.';
comment on column enrich.workflows.ttl is
  'How long a result stays fresh; NULL = forever. A stale entity is re-enriched when a new '
  'item needs it.';
comment on column enrich.workflows.rate_tokens is
  'Token bucket shared by every worker: tokens left at rate_refilled_at (capped at burst).';

create table enrich.workflow_webhooks (
  id                 bigint generated always as identity primary key,
  workflow_slug      text not null references enrich.workflows (slug) on delete cascade,
  url                text not null,
  position           integer not null,
  submissions        integer not null default 0,
  max_submissions    integer not null default 50000,
  retired_at         timestamptz,
  created_at         timestamptz not null default now(),
  constraint url_is_http check (url ~ '^https?://'),
  constraint submissions_not_negative check (submissions >= 0),
  constraint max_submissions_is_positive check (max_submissions >= 1),
  unique (workflow_slug, url)
);
comment on table enrich.workflow_webhooks is
  'Clay webhook URLs of a workflow, used in position order. Clay accepts 50,000 '
  'submissions per webhook, ever: a URL is retired when it reaches max_submissions.';

create table enrich.pipelines (
  name               text primary key,
  steps              text[] not null,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint name_is_identifier check (name ~ '^[a-z][a-z0-9_]*$'),
  constraint has_steps check (cardinality(steps) >= 1)
);
comment on table enrich.pipelines is
  'Named ordered lists of steps. SQL steps: normalize_all_core_values, split; any other step '
  'is the slug of a workflow (an entity step).';

-- ---------------------------------------------------------------------------------------
-- Input: batches and their items.
-- ---------------------------------------------------------------------------------------
create table enrich.batches (
  id                 uuid primary key default gen_random_uuid(),
  pipeline           text not null references enrich.pipelines (name),
  steps              text[] not null,
  status             text not null default 'IN_PROGRESS',
  item_count         integer not null default 0,
  created_at         timestamptz not null default now(),
  completed_at       timestamptz,
  constraint status_is_valid check (status in ('IN_PROGRESS', 'COMPLETED')),
  constraint completed_at_matches_status check ((status = 'COMPLETED') = (completed_at is not null)),
  constraint completed_at_after_created_at check (completed_at >= created_at)
);
comment on table enrich.batches is
  'One load of rows. COMPLETED once every item has finished every step (COMPLETED or FAILED).';
comment on column enrich.batches.steps is
  'The pipeline''s steps when the batch was created, so editing a pipeline never moves a '
  'running batch.';
comment on column enrich.batches.status is
  'IN_PROGRESS -> COMPLETED when no item is unfinished; back to IN_PROGRESS if a late '
  'result revives a failed item.';

create table enrich.normalized_companies (
  id                 uuid primary key default gen_random_uuid(),
  domain             text not null unique,
  name               text,
  website            text,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);
comment on table enrich.normalized_companies is
  'Companies deduplicated by registrable domain (the company key), across all batches.';

create table enrich.batch_items (
  id                 uuid primary key default gen_random_uuid(),
  batch_id           uuid not null references enrich.batches (id) on delete cascade,
  row_number         integer not null,
  data               jsonb not null,
  email              text,
  first_name         text,
  last_name          text,
  full_name          text,
  linkedin_url       text,
  title              text,
  company_name       text,
  company_domain     text,
  company_website    text,
  company_key        text,
  person_key         text,
  company_id         uuid references enrich.normalized_companies (id) on delete set null,
  person_id          uuid,
  current_step       text,
  status             text not null default 'IN_PROGRESS',
  created_at         timestamptz not null default now(),
  finished_at        timestamptz,
  constraint status_is_valid check (status in ('IN_PROGRESS', 'COMPLETED', 'FAILED')),
  constraint finished_at_matches_status check ((status = 'IN_PROGRESS') = (finished_at is null)),
  constraint data_is_object check (jsonb_typeof(data) = 'object'),
  unique (batch_id, row_number)
);
comment on table enrich.batch_items is
  'One input row. data holds the row as given; the typed columns hold its core values after '
  'normalize_all_core_values; company_id / person_id link it to its entities after split.';
comment on column enrich.batch_items.status is
  'IN_PROGRESS -> COMPLETED (every step done) | FAILED (a step failed; the item stops there).';
create index batch_items_unfinished_idx on enrich.batch_items (batch_id) where finished_at is null;
create index batch_items_company_id_idx on enrich.batch_items (company_id);
create index batch_items_person_id_idx on enrich.batch_items (person_id);

create table enrich.normalized_people (
  id                 uuid primary key default gen_random_uuid(),
  person_key         text not null unique,
  batch_item_id      uuid references enrich.batch_items (id) on delete set null,
  company_id         uuid references enrich.normalized_companies (id) on delete cascade,
  email              text,
  first_name         text,
  last_name          text,
  full_name          text,
  linkedin_url       text,
  title              text,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);
comment on table enrich.normalized_people is
  'People deduplicated by person key (LinkedIn URL, else email, else name + company key), '
  'across all batches. batch_item_id is the item that first introduced the person; every '
  'item links to its person through batch_items.person_id.';
create index normalized_people_company_id_idx on enrich.normalized_people (company_id);
create index normalized_people_batch_item_id_idx on enrich.normalized_people (batch_item_id);

alter table enrich.batch_items
  add constraint batch_items_person_id_fkey foreign key (person_id)
  references enrich.normalized_people (id) on delete set null;

create table enrich.workflow_states (
  id                 uuid primary key default gen_random_uuid(),
  item_id            uuid not null references enrich.batch_items (id) on delete cascade,
  step_name          text not null,
  status             text not null default 'PENDING',
  meta               jsonb not null default '{}',
  entity_id          uuid,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  completed_at       timestamptz,
  failed_at          timestamptz,
  constraint status_is_valid
    check (status in ('PENDING', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'FAILED')),
  constraint completed_at_matches_status check ((status = 'COMPLETED') = (completed_at is not null)),
  constraint failed_at_matches_status check ((status = 'FAILED') = (failed_at is not null)),
  constraint meta_is_object check (jsonb_typeof(meta) = 'object'),
  unique (item_id, step_name)
);
comment on table enrich.workflow_states is
  'One row per item x step the item has entered. Entity steps carry meta.company_id or '
  'meta.person_id (and entity_id, its indexed copy).';
comment on column enrich.workflow_states.status is
  'PENDING -> IN_PROGRESS (this item claimed the entity) | WAITING (another item did) -> '
  'COMPLETED | FAILED. FAILED -> COMPLETED only when a late result arrives for the entity.';
create index workflow_states_entity_idx on enrich.workflow_states (step_name, entity_id)
  where entity_id is not null;

-- ---------------------------------------------------------------------------------------
-- Entities' enrichment state and results (the seed plan's four tables).
-- ---------------------------------------------------------------------------------------
create table enrich.company_workflow_states (
  id                 uuid primary key default gen_random_uuid(),
  company_id         uuid not null references enrich.normalized_companies (id) on delete cascade,
  workflow_slug      text not null references enrich.workflows (slug) on delete cascade,
  status             text not null default 'PENDING',
  meta               jsonb,
  attempts           integer not null default 0,
  last_error         text,
  created_at         timestamptz default now(),
  updated_at         timestamptz default now(),
  started_at         timestamptz,
  completed_at       timestamptz,
  failed_at          timestamptz,
  constraint status_is_valid check (status in ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED')),
  constraint attempts_not_negative check (attempts >= 0),
  constraint completed_at_matches_status check ((status = 'COMPLETED') = (completed_at is not null)),
  constraint failed_at_matches_status check ((status = 'FAILED') = (failed_at is not null)),
  unique (company_id, workflow_slug)
);
comment on table enrich.company_workflow_states is
  'One row per company x workflow: the company is sent to Clay once per workflow.';
comment on column enrich.company_workflow_states.status is
  'PENDING -> IN_PROGRESS (claimed; a dispatch exists) -> COMPLETED (result stored) | FAILED '
  '(attempts exhausted or permanent error). FAILED -> COMPLETED on a late result; '
  'FAILED -> IN_PROGRESS on retry; COMPLETED -> IN_PROGRESS on refresh of a stale result.';
create index idx_company_workflow_states_lookup on enrich.company_workflow_states (company_id, workflow_slug);
create index idx_company_workflow_states_status on enrich.company_workflow_states (status);

create table enrich.company_enrichment_results (
  id                 uuid primary key default gen_random_uuid(),
  company_id         uuid not null references enrich.normalized_companies (id) on delete cascade,
  workflow_slug      text not null,
  data               jsonb,
  created_at         timestamptz default now()
);
comment on table enrich.company_enrichment_results is
  'Every result received for a company (the newest per workflow is the current one).';
create index company_enrichment_results_lookup_idx
  on enrich.company_enrichment_results (company_id, workflow_slug, created_at desc);

create table enrich.person_workflow_states (
  id                 uuid primary key default gen_random_uuid(),
  person_id          uuid not null references enrich.normalized_people (id) on delete cascade,
  workflow_slug      text not null references enrich.workflows (slug) on delete cascade,
  status             text not null default 'PENDING',
  meta               jsonb,
  attempts           integer not null default 0,
  last_error         text,
  created_at         timestamptz default now(),
  updated_at         timestamptz default now(),
  started_at         timestamptz,
  completed_at       timestamptz,
  failed_at          timestamptz,
  constraint status_is_valid check (status in ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED')),
  constraint attempts_not_negative check (attempts >= 0),
  constraint completed_at_matches_status check ((status = 'COMPLETED') = (completed_at is not null)),
  constraint failed_at_matches_status check ((status = 'FAILED') = (failed_at is not null)),
  unique (person_id, workflow_slug)
);
comment on table enrich.person_workflow_states is
  'One row per person x workflow: the person is sent to Clay once per workflow.';
comment on column enrich.person_workflow_states.status is
  'Same transitions as company_workflow_states.status.';
create index idx_person_workflow_states_lookup on enrich.person_workflow_states (person_id, workflow_slug);
create index idx_person_workflow_states_status on enrich.person_workflow_states (status);

create table enrich.person_enrichment_results (
  id                 uuid primary key default gen_random_uuid(),
  person_id          uuid not null references enrich.normalized_people (id) on delete cascade,
  workflow_slug      text not null,
  data               jsonb,
  created_at         timestamptz default now()
);
comment on table enrich.person_enrichment_results is
  'Every result received for a person (the newest per workflow is the current one).';
create index person_enrichment_results_lookup_idx
  on enrich.person_enrichment_results (person_id, workflow_slug, created_at desc);

-- ---------------------------------------------------------------------------------------
-- Outbox and callback log.
-- ---------------------------------------------------------------------------------------
create table enrich.dispatches (
  id                 bigint generated always as identity primary key,
  workflow_slug      text not null references enrich.workflows (slug) on delete cascade,
  entity_type        text not null,
  entity_id          uuid not null,
  status             text not null default 'QUEUED',
  attempt            integer not null default 0,
  available_at       timestamptz not null default now(),
  leased_by          text,
  leased_until       timestamptz,
  sent_at            timestamptz,
  callback_deadline  timestamptz,
  webhook_id         bigint references enrich.workflow_webhooks (id) on delete set null,
  last_error         text,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint entity_type_is_valid check (entity_type in ('company', 'person')),
  constraint status_is_valid check (status in ('QUEUED', 'LEASED', 'SENT')),
  constraint lease_matches_status
    check ((status = 'LEASED') = (leased_by is not null and leased_until is not null)),
  constraint deadline_matches_status
    check ((status = 'SENT') = (sent_at is not null and callback_deadline is not null)),
  unique (workflow_slug, entity_id)
);
comment on table enrich.dispatches is
  'Outbox: one row per entity x workflow while the entity is IN_PROGRESS; deleted when the '
  'entity is COMPLETED or FAILED.';
comment on column enrich.dispatches.status is
  'QUEUED (due at available_at) -> LEASED (a worker holds it until leased_until) -> SENT '
  '(posted; waiting for the callback until callback_deadline) -> QUEUED again on retry.';
create index dispatches_due_idx on enrich.dispatches (available_at) where status = 'QUEUED';
create index dispatches_leased_idx on enrich.dispatches (leased_until) where status = 'LEASED';
create index dispatches_sent_idx on enrich.dispatches (callback_deadline) where status = 'SENT';

create table enrich.callback_log (
  id                 bigint generated always as identity primary key,
  workflow_slug      text not null,
  entity_type        text not null,
  entity_id          uuid not null,
  outcome            text not null,
  payload            jsonb not null,
  received_at        timestamptz not null default now(),
  constraint outcome_is_valid check (outcome in ('completed', 'duplicate'))
);
comment on table enrich.callback_log is
  'Every callback accepted by receive_result, duplicates included.';
create index callback_log_entity_idx on enrich.callback_log (workflow_slug, entity_id);

-- ---------------------------------------------------------------------------------------
-- Built-ins: the two Clay workflows and the two pipelines of the design.
-- ---------------------------------------------------------------------------------------
insert into enrich.workflows (slug, entity_type) values
  ('enrich_company_via_waterfall_in_clay', 'company'),
  ('enrich_person_via_waterfall_in_clay', 'person');

insert into enrich.pipelines (name, steps) values
  ('company', array['normalize_all_core_values', 'split', 'enrich_company_via_waterfall_in_clay']),
  ('company_and_person', array['normalize_all_core_values', 'split',
     'enrich_company_via_waterfall_in_clay', 'enrich_person_via_waterfall_in_clay']);

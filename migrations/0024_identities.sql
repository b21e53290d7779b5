-- Identity, not one key: a company or person is known by every strong identifier its rows
-- bring (domain, LinkedIn page, LinkedIn company id; LinkedIn profile, Sales Navigator lead,
-- each email), each identifier naming exactly one entity. Rows sharing any identifier are one
-- entity; when a row links two entities they merge (enrich._merge_entities), and the merge
-- is recorded, with a permanent redirect from the loser's id to the survivor's.
-- Every entity gets its key as its first identifier here; enrich db migrate then adds what
-- the stored rows carry (enrich._link_stored_identities).
-- depends: 0023_item_completions

create table enrich.company_identifiers (
  kind       text not null,
  value      text not null,
  company_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (value, kind),  -- value first: a batch's values are looked up with = any(array)
  constraint kind_is_valid check (kind in ('domain', 'linkedin_page', 'linkedin_company_id', 'name'))
);
create index company_identifiers_company_idx on enrich.company_identifiers (company_id);
comment on table enrich.company_identifiers is
  'Every identifier of every company, each naming one company: domain (registrable), '
  'linkedin_page (https://www.linkedin.com/company|school|showcase/<slug>), '
  'linkedin_company_id (linkedin-id:<n>), and name (name:<normalised name>, only for a '
  'company known by none of the others). Written by the split step and by merges.';
comment on column enrich.company_identifiers.company_id is
  'The company (normalized_companies.id). No foreign key (bulk writes); enrich.check_invariants '
  'reports an identifier of no live company.';

create table enrich.person_identifiers (
  kind      text not null,
  value     text not null,
  person_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (value, kind),
  constraint kind_is_valid check (kind in ('linkedin', 'linkedin_sales', 'email', 'name_at_company'))
);
create index person_identifiers_person_idx on enrich.person_identifiers (person_id);
comment on table enrich.person_identifiers is
  'Every identifier of every person, each naming one person: linkedin '
  '(https://www.linkedin.com/in/<slug>), linkedin_sales (linkedin-sales:<lead id>), email '
  '(each non-role address), and name_at_company (name:<name>@<company id>, only for a person '
  'known by none of the others). Written by the split step and by merges.';

create table enrich.company_names (
  name       text not null,
  company_id uuid not null,
  primary key (name, company_id)
);
create index company_names_company_idx on enrich.company_names (company_id);
comment on table enrich.company_names is
  'Normalised names seen on rows of companies known by a strong identifier (several per '
  'company, several companies per name): a row with only a name joins the one company whose '
  'rows carried that name.';

create table enrich.entity_merges (
  id            bigint generated always as identity primary key,
  entity_type   text not null,
  survivor_id   uuid not null,
  loser_id      uuid not null,
  linked_by     text not null,
  batch_id      uuid,
  cause         text not null,
  merged_at     timestamptz not null default now(),
  constraint entity_type_is_valid check (entity_type in ('company', 'person')),
  constraint cause_is_valid check (cause in ('batch', 'result', 'upgrade')),
  constraint survivor_is_not_loser check (survivor_id <> loser_id)
);
create index entity_merges_batch_idx on enrich.entity_merges (batch_id) where batch_id is not null;
comment on table enrich.entity_merges is
  'Every merge of two entities found to be one: the survivor kept, the loser folded into it, '
  'the identifier that linked them (kind:value), the batch whose rows linked them (cause '
  'batch), or a result that taught an identifier (cause result), or the upgrade that first '
  'read stored rows'' identifiers (cause upgrade).';

create table enrich.entity_redirects (
  entity_type text not null,
  old_id      uuid primary key,
  entity_id   uuid not null,
  constraint entity_type_is_valid check (entity_type in ('company', 'person'))
);
create index entity_redirects_entity_idx on enrich.entity_redirects (entity_id);
comment on table enrich.entity_redirects is
  'The id of every merged-away entity -> the entity it lives on as (kept current through '
  'later merges): a callback naming an old id completes the survivor.';

-- a company known by a LinkedIn page or a name only has no domain; a person's key is the
-- identifier it was first known by, for people to read: people are found by their
-- identifiers (unique), not by keys (a person known by name at a company that merged keeps
-- the key it had), so the key needs no index; merges find a company's people
alter table enrich.normalized_companies alter column domain drop not null;
alter table enrich.normalized_people drop constraint normalized_people_person_key_key;
create index normalized_people_company_idx on enrich.normalized_people (company_id);
drop function if exists enrich._merge_entity(text, uuid, uuid, text);
comment on table enrich.normalized_companies is
  'Companies, one per real-world company, across all batches: known by every identifier in '
  'company_identifiers. domain is its registrable domain (NULL when it is known without one).';
comment on table enrich.normalized_people is
  'People, one per real-world person, across all batches: known by every identifier in '
  'person_identifiers; person_key is the identifier it was first known by. batch_item_id is '
  'the item that first introduced the person; every item links to its person through '
  'batch_items.person_id.';

-- every entity's key is its first identifier
insert into enrich.company_identifiers (kind, value, company_id, created_at)
select 'domain', c.domain, c.id, c.created_at from enrich.normalized_companies c
where c.domain is not null;
insert into enrich.person_identifiers (kind, value, person_id, created_at)
select case when p.person_key like 'https://www.linkedin.com/in/%' then 'linkedin'
            when p.person_key like 'name:%' then 'name_at_company'
            else 'email' end,
       case when p.person_key like 'name:%' and p.company_id is not null
            then substring(p.person_key from '^(name:.*@)') || p.company_id
            else p.person_key end,
       p.id, p.created_at
from enrich.normalized_people p;

-- the company's LinkedIn page, a field of its own
alter table enrich.column_aliases drop constraint field_is_an_input_field;
alter table enrich.column_aliases add constraint field_is_an_input_field check (field in (
  'email', 'first_name', 'last_name', 'full_name', 'linkedin_url', 'title', 'company_name',
  'company_domain', 'company_website', 'company_linkedin_url'));
insert into enrich.column_aliases (alias, field) values
  ('companylinkedin', 'company_linkedin_url'), ('linkedincompanyurl', 'company_linkedin_url'),
  ('linkedincompany', 'company_linkedin_url'), ('organizationlinkedinurl', 'company_linkedin_url'),
  ('organizationlinkedin', 'company_linkedin_url'),
  ('companylinkedinprofile', 'company_linkedin_url'),
  ('companylinkedinprofileurl', 'company_linkedin_url'),
  ('companylinkedinpage', 'company_linkedin_url'), ('linkedincompanypage', 'company_linkedin_url'),
  ('accountlinkedinurl', 'company_linkedin_url'),
  ('salesnavigatorurl', 'linkedin_url'), ('salesnavigatorprofileurl', 'linkedin_url'),
  ('salesnavigatorleadurl', 'linkedin_url'),
  ('personalemail', 'email'), ('secondaryemail', 'email'), ('otheremail', 'email'),
  ('additionalemail', 'email'), ('alternateemail', 'email')
on conflict (alias) do nothing;

-- What rows stored before identities carry (emails, profiles, pages kept as data) is read by
-- enrich db migrate in bounded chunks after this migration (enrich._link_stored_identities);
-- a database with no rows has nothing to read.
create table enrich.identity_backfill (
  id             boolean primary key default true,
  linked_through uuid,
  done_at        timestamptz,
  constraint one_row check (id)
);
comment on table enrich.identity_backfill is
  'Progress of reading stored rows'' identifiers after the upgrade to identities: the last '
  'item read (by id), and when every item was.';
insert into enrich.identity_backfill (linked_through, done_at)
select null, case when exists (select from enrich.batch_items) then null else now() end;

-- Identifiers learned from results: a company result naming the company's domain (in the
-- workflow's learn_domain_from fields) gives a company known without one its domain; one
-- that already names another company queues a merge, which worker housekeeping performs
-- (the callback stays fast).
alter table enrich.workflows
  add column learn_domain_from text[] not null default '{company_domain,domain,website}';
comment on column enrich.workflows.learn_domain_from is
  'Fields of a company result read, in order, for the company''s domain (the first present '
  'is used); empty: results teach nothing. Person workflows ignore it.';
create table enrich.queued_merges (
  id          bigint generated always as identity primary key,
  entity_type text not null,
  entity_id   uuid not null,
  other_id    uuid,
  linked_by   text not null,
  created_at  timestamptz not null default now(),
  constraint entity_type_is_valid check (entity_type in ('company', 'person'))
);
comment on table enrich.queued_merges is
  'Identity work results revealed, performed by worker housekeeping '
  '(enrich.perform_queued_merges), never in the callback (which would wait on loads inserting '
  'the same identifier while it holds the entity: a deadlock): a domain to learn (other_id '
  'NULL, linked_by domain:<d>), merging with the company that has it if one does.';
comment on column enrich.queued_merges.other_id is
  'The entity to merge with; NULL: learn linked_by (kind:value), merging with its owner.';
create table enrich.queued_recounts (
  batch_id  uuid not null,
  queued_at timestamptz not null default now()
);
comment on table enrich.queued_recounts is
  'Batches whose distinct companies and people a merge changed, recounted by worker '
  'housekeeping (a load that merges must not lock other batches'' rows: their callbacks '
  'would wait for the load). No key: concurrent loads never wait on each other here.';
drop function if exists enrich.set_workflow(text, text[], interval, integer, numeric, integer,
  interval, boolean, text, numeric, integer, text, integer, integer, boolean, text[], boolean);

-- an entity's merges are found by the ids it absorbed; the dashboard's lookup reads
-- enrich.lookup_entity (every identifier, merges, states) instead of find_entities
create index entity_merges_loser_idx on enrich.entity_merges (loser_id);
drop function if exists enrich.find_entities(text, integer);

-- What identities saved, kept as rows are split (like batch_counts: a row per batch and
-- server process, so concurrent parts never update one row): rows that reached an entity
-- the one-key rule would not have found (it would have paid for another); and per merge the
-- calls paid for both entities before a row showed they were one ("linked late").
create table enrich.batch_identity_counts (
  batch_id uuid not null,
  shard    integer not null,
  rows_by_second_identifier bigint not null default 0,
  primary key (batch_id, shard)
);
comment on table enrich.batch_identity_counts is
  'Per batch (the sum over shards): rows linked to an entity other than the one their single '
  'old-style key (LinkedIn URL, else email, else name; a company''s domain) named: calls '
  'the one-key rule would have paid.';
alter table enrich.entity_merges add column calls_paid_twice integer not null default 0;
comment on column enrich.entity_merges.calls_paid_twice is
  'Workflows in which both entities had been paid for (or were in flight) when they merged: '
  'calls paid twice because the link came late.';

-- the export's header lists the kinds of identifier a batch's entities are known by
drop function if exists enrich.export_columns(uuid);

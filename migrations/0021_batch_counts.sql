-- A batch's progress kept as the transitions happen, so `enrich status`, the dashboard and
-- `enrich stats` read a few dozen rows whatever the batch's size.
-- batch_counts: item steps per batch, step and status (with whether the item was served
-- without a Clay call of its own, and a FAILED step's error). Every statement that writes
-- workflow_states adds its deltas here in the same transaction, grouped (never a per-row
-- trigger). Each server process adds to rows of its own (`shard` = its backend pid), so
-- concurrent callbacks for one batch never queue on one counter row; enrich.fold_batch_counts
-- folds the rows of processes that are gone into shard 0.
-- batches.companies / people: the batch's distinct companies and people, counted once when
-- its load ends.
-- depends: 0020_installation

create table enrich.batch_counts (
  batch_id  uuid not null,
  step_name text not null,
  status    text not null,
  skipped   boolean not null,
  error     text not null default '',
  shard     integer not null,
  n         bigint not null
);
comment on table enrich.batch_counts is
  'Item steps per batch, step, status, skipped (served without a Clay call of its own) and '
  'error (a FAILED step''s meta.error, else ''''): the sum of n over shards. Kept by every '
  'writer of workflow_states in the same transaction; enrich doctor checks it against a full count.';
comment on column enrich.batch_counts.shard is
  'The backend pid that added to this row (0: folded rows of processes that are gone), so '
  'concurrent transactions never update the same row.';
create unique index batch_counts_key on enrich.batch_counts
  (batch_id, step_name, status, skipped, shard, md5(error));

alter table enrich.batches
  add column companies integer,
  add column people integer;
comment on column enrich.batches.companies is
  'Distinct companies among the batch''s items, counted when its load ends (NULL before).';
comment on column enrich.batches.people is
  'Distinct people among the batch''s items, counted when its load ends (NULL before).';

insert into enrich.batch_counts (batch_id, step_name, status, skipped, error, shard, n)
select i.batch_id, ws.step_name, ws.status, ws.meta ? 'skipped',
       case when ws.status = 'FAILED' then coalesce(ws.meta ->> 'error', '') else '' end,
       0, count(*)
from enrich.workflow_states ws
join enrich.batch_items i on i.id = ws.item_id
group by 1, 2, 3, 4, 5;

update enrich.batches b
   set companies = c.companies, people = c.people
  from (select i.batch_id, count(distinct i.company_id) as companies,
               count(distinct i.person_id) as people
        from enrich.batch_items i group by 1) c
 where c.batch_id = b.id and b.status <> 'LOADING';
update enrich.batches b set companies = 0, people = 0
 where b.companies is null and b.status <> 'LOADING';

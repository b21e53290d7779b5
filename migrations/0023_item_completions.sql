-- Items served per UTC day and step, kept as they complete (with whether the item was served
-- without a Clay call of its own), so `enrich stats` and the spend page do not count every
-- item step. Like enrich.batch_counts: rows per server process (shard = its backend pid),
-- folded by enrich.fold_batch_counts. History: pruning batches does not take it away.
-- depends: 0022_held_dispatches

create table enrich.item_completions (
  day       date not null,
  step_name text not null,
  skipped   boolean not null,
  shard     integer not null,
  n         bigint not null,
  primary key (day, step_name, skipped, shard)
);
comment on table enrich.item_completions is
  'Item steps that became COMPLETED per UTC day and step; skipped: served without a Clay '
  'call of its own (dedupe or reuse). The sum of n over shards. Kept by enrich._count_states.';

insert into enrich.item_completions (day, step_name, skipped, shard, n)
select (ws.completed_at at time zone 'UTC')::date, ws.step_name, ws.meta ? 'skipped', 0, count(*)
from enrich.workflow_states ws
where ws.status = 'COMPLETED'
group by 1, 2, 3;

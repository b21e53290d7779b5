-- enrich.stalled_work: what keeps work from progressing although the data is consistent
-- (check_invariants), for `enrich doctor`, which must never call a database healthy while
-- its work is stuck: leases or retry times beyond the maximum, claims held for a load in
-- parts that has ended, a workflow whose states are of the other entity type, due work with
-- no worker alive, callbacks long overdue (their reaper, any worker, is not running). Each
-- with the way out.

create or replace function enrich.stalled_work()
returns table (problem text, subject_id text, detail text)
language sql stable set search_path = '' as $$
  select 'lease_beyond_maximum', d.id::text,
         case when d.status = 'LEASED'
              then format('dispatch of %s %s is leased until %s, beyond the hour a lease may '
                          'take: hand it back with select enrich.release_dispatches(%L, '
                          'array[%s])', d.entity_type, d.entity_id, d.leased_until,
                          d.leased_by, d.id)
              else format('dispatch of %s %s waits until %s, beyond the hour a retry may '
                          'wait (set by an older release): it comes due then',
                          d.entity_type, d.entity_id, d.available_at) end
  from enrich.dispatches d
  where (d.status = 'LEASED' and d.leased_until > now() + interval '1 hour 1 minute')
     or (d.status = 'QUEUED' and d.available_at > now() + interval '1 hour 1 minute'
         and d.available_at <> 'infinity')
  union all
  -- claims held for a load in parts' --max-new-calls check (available_at 'infinity') wait
  -- for its finish_loading; once the batch is no longer LOADING nothing will release them
  select 'held_dispatch_after_load', coalesce(d.batch_id::text, 'no batch'),
         format('%s dispatch(es) held for a load in parts that is no longer loading (batch '
                '%s): nothing will send them; select enrich.release_held_dispatches(%L) '
                'sends those its items (or any batch''s) wait on and takes back the others',
                count(*), coalesce(b.status, 'deleted'), d.batch_id)
  from enrich.dispatches d
  left join enrich.batches b on b.id = d.batch_id
  where d.status = 'QUEUED' and d.available_at = 'infinity'
    and (b.status is distinct from 'LOADING')
  group by d.batch_id, b.status
  union all
  select 'entity_type_mismatch', w.slug,
         format('workflow %s is for %s entities but has states of the other type: set '
                '--entity-type back, or create a workflow for the other type', w.slug,
                w.entity_type)
  from enrich.workflows w
  where (w.entity_type = 'company'
         and exists (select from enrich.person_workflow_states s where s.workflow_slug = w.slug))
     or (w.entity_type = 'person'
         and exists (select from enrich.company_workflow_states s where s.workflow_slug = w.slug))
  union all
  select 'no_worker_alive', count(*)::text || ' dispatches',
         format('%s dispatch(es) are due and no worker is alive: start `enrich worker` (or '
                '`enrich run`)', count(*))
  from enrich.dispatches d
  where d.status = 'QUEUED' and d.available_at <= now()
    -- work that waits on purpose (paused, budget or credits spent, no usable webhook) is
    -- a notice of its own (dispatch_wait_reasons), not stuck
    and d.workflow_slug not in (select r.workflow_slug from enrich.dispatch_wait_reasons() r)
    and not exists (select from enrich.processes p
                    where p.kind = 'worker' and p.alive_until > now())
  having count(*) > 0
  union all
  select 'callback_overdue', d.id::text,
         format('%s %s has waited for its callback since %s, past its deadline %s: no '
                'worker is reaping (start `enrich worker`)', d.entity_type, d.entity_id,
                d.sent_at, d.callback_deadline)
  from enrich.dispatches d
  where d.status = 'SENT' and d.callback_deadline < now() - interval '10 minutes'
$$;
comment on function enrich.stalled_work() is
  'What keeps work from progressing (problem, subject id, detail with the way out): for '
  'enrich doctor, alongside check_invariants.';

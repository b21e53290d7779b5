-- enrich.stalled_work: what keeps work from progressing although the data is consistent
-- (check_invariants), for `enrich doctor`, which must never call a database healthy while
-- its work is stuck: leases or retry times beyond the maximum, a workflow whose states are
-- of the other entity type, due work with no worker alive, callbacks long overdue (their
-- reaper, any worker, is not running). Each with the way out.

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
     or (d.status = 'QUEUED' and d.available_at > now() + interval '1 hour 1 minute')
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

begin;
select plan(11);
select lives_ok($$select enrich.heartbeat('w-1', 'worker', 'host-a', 7, '1.0')$$, 'a process registers');
select results_eq($$select id, kind, host, pid from enrich.live_processes()$$,
  $$values ('w-1'::text, 'worker'::text, 'host-a'::text, 7)$$, 'and is alive');
select throws_ok($$select enrich.heartbeat('w-1', 'loader', 'host-a', 7, '1.0')$$, 'EN003', null,
  'an id cannot change its kind');
select throws_ok($$select enrich.heartbeat('w-2', 'worker', 'h', 1, 'v', '100 years')$$, 'EN003', null,
  'a heartbeat cannot keep a process alive for long');
select throws_ok($$select enrich.open_batch('company', true, 'nobody')$$, 'EN003', null,
  'a LOADING batch needs a registered loader');
insert into enrich.processes (id, kind, host, pid, version, seen_at, alive_until)
values ('killed', 'loader', 'h', 1, 'v', now() - interval '3 days', now() - interval '2 days');
select enrich.heartbeat('w-1', 'worker', 'host-a', 7, '1.0');
select is_empty($$select from enrich.processes where id = 'killed'$$,
  'a process gone for days is forgotten at the next heartbeat');
select throws_ok($$select enrich.heartbeat(null, 'worker', 'h', 1, 'v')$$, 'EN003', null,
  'an id is needed');
select throws_ok($$select enrich.heartbeat(repeat('x', 300), 'worker', 'h', 1, 'v')$$, 'EN003', null,
  'a short one');
-- a worker's functions touch workers' rows only: never a loader's
select enrich.heartbeat('loader-1', 'loader', 'h', 2, 'v');
select throws_ok($$select enrich.worker_heartbeat('loader-1', 'h', 1, 'v')$$, 'EN003', null,
  'a worker cannot keep a loader''s row alive');
select enrich.worker_sign_off('loader-1');
select is((select count(*) from enrich.processes where id = 'loader-1'), 1::bigint,
  'nor remove it');
select enrich.sign_off('w-1');
select enrich.sign_off('loader-1');
select is_empty($$select * from enrich.live_processes()$$, 'a process that signs off is gone');
select * from finish();
rollback;

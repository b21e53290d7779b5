begin;
select plan(7);
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
select enrich.sign_off('w-1');
select is_empty($$select * from enrich.live_processes()$$, 'a process that signs off is gone');
select * from finish();
rollback;

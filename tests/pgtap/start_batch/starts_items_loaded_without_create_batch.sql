begin;
select plan(4);

insert into enrich.batches (id, pipeline, steps, item_count)
values ('11111111-1111-1111-1111-111111111111', 'company',
        (select steps from enrich.pipelines where name = 'company'), 2);
insert into enrich.batch_items (batch_id, row_number, data) values
  ('11111111-1111-1111-1111-111111111111', 1, '{"email": "a@acme.com"}'),
  ('11111111-1111-1111-1111-111111111111', 2, '{"email": "b@acme.com"}');

select lives_ok($$select enrich.start_batch('11111111-1111-1111-1111-111111111111')$$,
  'start_batch runs the loaded items');
select is((select count(*) from enrich.dispatches), 1::bigint, 'their company is claimed once');
select lives_ok($$select enrich.start_batch('11111111-1111-1111-1111-111111111111')$$,
  'calling it again is safe');
select throws_ok($$select enrich.start_batch('22222222-2222-2222-2222-222222222222')$$,
  'EN002', null, 'an unknown batch is refused');

select * from finish();
rollback;

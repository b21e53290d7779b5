-- A result arriving while a held load is in: the load's items move on to the next step,
-- and the claims they make there are held too (nothing of the load is sent before its check).
begin;
select plan(4);

select enrich.create_batch('company', '[{"email": "x@acme.com"}]') as other_batch \gset
select enrich_test.send_all();
select enrich.open_batch('company_and_person', p_loading => true, p_max_new_calls => 10) as batch_id \gset
insert into enrich.batch_items (batch_id, row_number, data) values
  (:'batch_id', 1, '{"email": "a@acme.com", "first_name": "Ann", "last_name": "A"}');
select enrich.start_batch(:'batch_id');
select is(enrich_test.step_status(:'batch_id', 1, 'enrich_company_via_waterfall_in_clay'), 'WAITING',
  'the load''s row waits on the company another batch is enriching');
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is(enrich_test.step_status(:'batch_id', 1, 'enrich_person_via_waterfall_in_clay'), 'IN_PROGRESS',
  'the result moves it on: it claims its person');
select is((select batch_id from enrich.dispatches
            where workflow_slug = 'enrich_person_via_waterfall_in_clay' and available_at = 'infinity'),
  :'batch_id'::uuid, 'that claim is held for the load');
select is(enrich.finish_loading(:'batch_id', null, 0), false,
  'and counts: with a limit of 0 the load is refused');

select * from finish();
rollback;

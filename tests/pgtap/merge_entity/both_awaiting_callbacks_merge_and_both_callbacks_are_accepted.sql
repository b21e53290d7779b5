-- Two people each sent to Clay (paid, awaiting callbacks) turn out to be one when a later
-- row carries the email of one and the profile of the other: they merge, nothing is sent
-- again, a callback naming either id completes the survivor (the loser's id redirects),
-- and the paid calls of both stay counted.
begin;
select plan(12);

select enrich.create_batch('company_and_person', '[
  {"email": "ada@acme.com", "company_domain": "acme.com"}]') as b1 \gset
select enrich.create_batch('company_and_person', '[
  {"linkedin_url": "https://www.linkedin.com/in/ada", "company_domain": "acme.com"}]') as b2 \gset
select enrich_test.send_all();
select enrich_test.deliver_all('enrich_company_via_waterfall_in_clay');
select is(enrich_test.send_all(), 2::bigint, 'two people sent: nothing linked them yet');
select person_id as by_email from enrich.batch_items where batch_id = :'b1' \gset
select person_id as by_profile from enrich.batch_items where batch_id = :'b2' \gset

select enrich.create_batch('company_and_person', '[
  {"email": "ADA@acme.com", "linkedin_url": "linkedin.com/in/ada/", "company_domain": "acme.com"}]') as b3 \gset
select is((select count(*) from enrich.normalized_people), 1::bigint, 'one person now');
select is((select person_id from enrich.batch_items where batch_id = :'b3'), :'by_email'::uuid,
  'the older one survives (neither has a result yet)');
select results_eq($$select survivor_id, loser_id, linked_by, batch_id from enrich.entity_merges$$,
  format($$values (%L::uuid, %L::uuid, 'linkedin:https://www.linkedin.com/in/ada', %L::uuid)$$,
         :'by_email', :'by_profile', :'b3'),
  'the merge is recorded with the identifier that linked them and the batch');
select is((select count(*) from enrich.dispatches where workflow_slug = 'enrich_person_via_waterfall_in_clay'),
  1::bigint, 'one dispatch goes on waiting, carrying both calls');
select is(enrich_test.send_all(), 0::bigint, 'nothing is sent again');
select is(enrich.receive_result('enrich_person_via_waterfall_in_clay',
            jsonb_build_object('person_id', :'by_profile', 'title', 'Countess')),
  'completed', 'the callback naming the merged-away id completes the survivor');
select is(enrich.receive_result('enrich_person_via_waterfall_in_clay',
            jsonb_build_object('person_id', :'by_email', 'title', 'Countess')),
  'duplicate', 'the survivor''s own callback is then a duplicate');
select is((select count(*) from enrich.batch_items where status = 'COMPLETED'), 3::bigint,
  'every row of every batch is completed');
select is((select paid_calls from enrich.person_workflow_states), 2,
  'both paid calls stay on the person');
select is((select sum(calls) from enrich.paid_calls
            where workflow_slug = 'enrich_person_via_waterfall_in_clay')::integer, 2,
  'and the ledger agrees');
select is_empty($$select * from enrich.check_invariants()$$, 'every invariant holds');

select * from finish();
rollback;

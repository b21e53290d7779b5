-- batch_status reads kept counts (enrich.batch_counts): after every kind of transition they
-- equal a full count of the item steps, and the item counts equal the items' own statuses.
begin;
select plan(19);
select enrich.set_workflow('enrich_person_via_waterfall_in_clay', array['http://clay.test/person'],
                           p_rate_per_second => 1000000, p_burst => 1000000);

-- a load: six people of three companies, a free-mail row that fails split, a duplicate
select enrich.create_batch('company_and_person', enrich_test.stage7_rows()
  || '[{"email": "x@gmail.com"}, {"email": "ann@alpha.com", "first_name": "Ann", "last_name": "A"}]'::jsonb)
  as batch_id \gset
select ok(enrich_test.counts_are_exact(:'batch_id'), 'after a load');
select is((enrich.batch_status(:'batch_id') -> 'steps' -> 2 -> 'counts'),
  '{"IN_PROGRESS": 3, "WAITING": 4}'::jsonb, 'the company step: one claim per company, the rest wait');
select is((enrich.batch_status(:'batch_id') -> 'steps' -> 2 ->> 'entities')::int, 3, 'three companies');
select is((enrich.batch_status(:'batch_id') -> 'failures' -> 0 ->> 'step'), 'split',
  'the free-mail row is a failure of split');

-- callbacks: alpha and beta complete (their items move on to the person step), gamma fails
select count(*) from enrich.claim_dispatches('test-worker', 1000);
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', enrich_test.company_id('alpha.com'), 'ok', true));
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', enrich_test.company_id('beta.io'), 'ok', true));
select ok(enrich_test.counts_are_exact(:'batch_id'), 'after callbacks that complete');
select id as gamma from enrich.dispatches
 where entity_id = enrich_test.company_id('gamma.co.uk') \gset
select enrich.fail_dispatch(:gamma, 'test-worker', 'HTTP 400: bad row');
select ok(enrich_test.counts_are_exact(:'batch_id'), 'after a failure that cascades');
select is((select f ->> 'items' from jsonb_array_elements(enrich.batch_status(:'batch_id') -> 'failures') f
            where f ->> 'error' = 'HTTP 400: bad row'), '2', 'gamma''s two rows fail with its error');

-- a late result revives them; retry and a new failure
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', enrich_test.company_id('gamma.co.uk'), 'ok', true));
select ok(enrich_test.counts_are_exact(:'batch_id'), 'after a late result revives failed items');
select count(*) from enrich.claim_dispatches('test-worker', 1000);
select enrich.fail_dispatch(d.id, 'test-worker', 'HTTP 422') from enrich.dispatches d
 where d.workflow_slug = 'enrich_person_via_waterfall_in_clay';
select ok(enrich_test.counts_are_exact(:'batch_id'), 'after people fail');
select enrich.retry_failed(p_batch_id => :'batch_id');
select ok(enrich_test.counts_are_exact(:'batch_id'), 'after a retry');
select enrich_test.deliver_all('enrich_person_via_waterfall_in_clay');
select ok(enrich_test.counts_are_exact(:'batch_id'), 'after the retried people complete');
select is((enrich.batch_status(:'batch_id') ->> 'status'), 'COMPLETED', 'the batch completes');

-- a refresh re-sends a company: its items keep their result, so nothing moves
select enrich.refresh_entities('enrich_company_via_waterfall_in_clay', p_entity_id => enrich_test.company_id('alpha.com'));
select ok(enrich_test.counts_are_exact(:'batch_id'), 'after a refresh');

-- a second batch reuses every result: its items are counted as saved calls
select enrich.create_batch('company', '[{"email": "z@alpha.com"}, {"email": "y@beta.io"}]') as second \gset
select is((enrich.batch_status(:'second') ->> 'calls_saved')::int, 1,
  'beta''s fresh result saves a call (alpha is being refreshed: its row waits)');
select ok(enrich_test.counts_are_exact(:'second'), 'after a load that reuses results');

-- a load in parts, then discarded; and a prune
select enrich.heartbeat('loader-1', 'loader', 'host-a', 101, 'test');
select enrich.open_batch('company', p_loading => true, p_loader => 'loader-1') as loading \gset
insert into enrich.batch_items (batch_id, row_number, data) values (:'loading', 1, '{"email": "q@delta.com"}');
select enrich.start_batch(:'loading');
select enrich.discard_loading_batch(:'loading', 'loader-1');
select enrich.open_batch('company', p_loading => true, p_loader => 'loader-1') as parts \gset
insert into enrich.batch_items (batch_id, row_number, data) values (:'parts', 1, '{"email": "q@beta.io"}'),
  (:'parts', 2, '{"email": "r@epsilon.com"}');
select enrich.start_batch(:'parts');
select ok(enrich_test.counts_are_exact(:'parts'), 'during a load in parts');
select enrich.finish_loading(:'parts', 'loader-1');
select is(enrich.batch_status(:'parts') -> 'items', '{"IN_PROGRESS": 1, "COMPLETED": 1}'::jsonb,
  'a finished load in parts: beta''s row served at once, epsilon''s waiting for its call');
select is((select count(*) from enrich.batch_counts where batch_id = :'loading'), 0::bigint,
  'a discarded load leaves no counts');
update enrich.batches set created_at = now() - interval '100 days', completed_at = now() - interval '99 days'
 where id = :'batch_id';
select enrich.prune_batches(interval '90 days');
select is((select count(*) from enrich.batch_counts where batch_id = :'batch_id'), 0::bigint,
  'a pruned batch leaves no counts');
select * from finish();
rollback;

begin;
select plan(7);

-- receive_results: what `enrich serve` calls for callbacks that arrive together.
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch \gset
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', enrich_test.company_id('gamma.co.uk'), 'v', 0));

select results_eq($$
  select ord, outcome, error_state from enrich.receive_results('enrich_company_via_waterfall_in_clay', array[
    jsonb_build_object('company_id', enrich_test.company_id('alpha.com'), 'v', 1),
    '{"company_id": "00000000-0000-0000-0000-000000000000"}'::jsonb,
    jsonb_build_object('company_id', enrich_test.company_id('alpha.com'), 'v', 2),
    '[1]'::jsonb,
    jsonb_build_object('item_id', (select id from enrich.batch_items where row_number = 3), 'v', 3),
    jsonb_build_object('company_id', enrich_test.company_id('gamma.co.uk'), 'v', 4),
    '{"company_id": "not a uuid"}'::jsonb])$$,
  $$values (1, 'completed', null), (2, null, 'EN002'), (3, 'duplicate', null),
           (4, null, 'EN003'), (5, 'completed', null), (6, 'duplicate', null),
           (7, null, 'EN003')$$,
  'each payload gets the outcome or error it would get alone, in order');

select is((select error_message from enrich.receive_results('enrich_company_via_waterfall_in_clay',
             array['[1]'::jsonb])),
  'callback body must be a JSON object', 'errors carry receive_result''s message');
select results_eq($$select data ->> 'v' from enrich.company_enrichment_results order by data ->> 'v'$$,
  $$values ('0'), ('1'), ('3')$$, 'one result per entity: the first of the call stands');
select results_eq($$select outcome, payload ->> 'v' from enrich.callback_log order by id$$,
  $$values ('completed', '0'), ('completed', '1'), ('duplicate', '2'), ('completed', '3'),
           ('duplicate', '4')$$,
  'recorded callbacks are logged in order; refused ones are not');
select is((select count(*) from enrich.batch_items where status = 'COMPLETED'), 6::bigint,
  'one cascade completed every item');
select is((select status from enrich.batches where id = :'batch'::uuid), 'COMPLETED',
  'and the batch');
select throws_ok($$select * from enrich.receive_results('nope', array['{}'::jsonb])$$,
  'EN001', 'unknown workflow ''nope''', 'an unknown workflow refuses the whole call');

select * from finish();
rollback;

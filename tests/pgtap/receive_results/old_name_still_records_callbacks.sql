begin;
select plan(3);

-- _receive_results, the previous name: receivers of the previous release call it while a
-- rolling deploy is under way, and get what receive_results answers.
select enrich.create_batch('company', enrich_test.stage7_rows()) as batch \gset

select results_eq($$
  select ord, outcome, error_state from enrich._receive_results('enrich_company_via_waterfall_in_clay', array[
    jsonb_build_object('company_id', enrich_test.company_id('alpha.com'), 'v', 1),
    jsonb_build_object('company_id', enrich_test.company_id('alpha.com'), 'v', 2),
    '[1]'::jsonb])$$,
  $$values (1, 'completed', null), (2, 'duplicate', null), (3, null, 'EN003')$$,
  'the old name answers each payload like receive_results');
select results_eq($$select data ->> 'v' from enrich.company_enrichment_results$$,
  $$values ('1')$$, 'and records the result');
select function_privs_are('enrich', '_receive_results', array['text', 'jsonb[]'],
  'enrich_receiver', array['EXECUTE'], 'receivers of the previous release may still call it');

select * from finish();
rollback;

-- Keys stored before they had one canonical form (a Unicode domain, an email with mailto:)
-- are brought to it by `enrich db migrate`: one entity per real-world company or person,
-- its items and paid-for results kept, nothing queued to be paid for again.
begin;
select plan(11);

select enrich.create_batch('company_and_person', '[
  {"email": "jo@xn--bcher-kva.de"}, {"email": "ann@acme.com"}, {"email": "al@unicode.test"},
  {"email": "bo@beta.test"}, {"email": "cy@beta2.test"}]') as batch_id \gset
-- what an older release stored: bücher.de (Unicode) beside xn--bcher-kva.de; mailto:
update enrich.normalized_companies set domain = 'bücher.de' where domain = 'unicode.test';
update enrich.batch_items set company_key = 'bücher.de' where company_key = 'unicode.test';
update enrich.normalized_people set person_key = 'mailto:ann@acme.com' where person_key = 'ann@acme.com';
update enrich.batch_items set person_key = 'mailto:ann@acme.com' where person_key = 'ann@acme.com';
-- both were sent (paid); the Unicode one's result came, the Punycode one failed
select enrich_test.send_all();
select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', enrich_test.company_id('bücher.de'), 'industry', 'Books'));
select enrich.set_company_workflow_status(enrich_test.company_id('xn--bcher-kva.de'),
  'enrich_company_via_waterfall_in_clay', 'FAILED');
-- two spellings both being enriched right now: left for a later run
update enrich.normalized_companies set domain = 'bëta.test' where domain = 'beta.test';
update enrich.normalized_companies set domain = 'xn--bta-jma.test' where domain = 'beta2.test';

select (select sum(paid_calls) from enrich.company_workflow_states)
       + (select sum(paid_calls) from enrich.dispatches where entity_type = 'company')
       as paid_before \gset

select results_eq($$select entity_type, rekeyed, merged, left_as_they_are
                    from enrich._canonicalise_entity_keys() order by 1$$,
  $$values ('company', 1::bigint, 1::bigint, 2::bigint), ('person', 1::bigint, 0::bigint, 0::bigint)$$,
  'one company merged, one person re-keyed, one busy group left');
select is((select count(*) from enrich.normalized_companies where domain in ('bücher.de', 'xn--bcher-kva.de')),
  1::bigint, 'one company for both spellings');
select is((select count(*) from enrich.batch_items
           where batch_id = :'batch_id' and company_key = 'xn--bcher-kva.de'
             and company_id = enrich_test.company_id('xn--bcher-kva.de')), 2::bigint,
  'both rows are its, under the canonical key');
select is((select status from enrich.company_workflow_states
           where company_id = enrich_test.company_id('xn--bcher-kva.de')), 'COMPLETED',
  'it keeps the paid-for result''s state');
select is((select record #>> '{results,enrich_company_via_waterfall_in_clay,industry}'
           from enrich.export_batch(:'batch_id') where row_number = 1), 'Books',
  'the row that had the other spelling now shows the result');
select is((select count(*) from enrich.dispatches d
           where d.entity_id = enrich_test.company_id('xn--bcher-kva.de')), 0::bigint,
  'nothing queued to pay for it again');
select is((select person_key from enrich.batch_items where batch_id = :'batch_id' and row_number = 2),
  'ann@acme.com', 'the mailto: person is re-keyed');
select is((select count(*) from enrich.normalized_companies where domain in ('bëta.test', 'xn--bta-jma.test')),
  2::bigint, 'the busy spellings are left as they are');
select is_empty($$select * from enrich.check_invariants()$$, 'every invariant holds');
select is((select sum(paid_calls) from enrich.company_workflow_states)
          + (select sum(paid_calls) from enrich.dispatches where entity_type = 'company'),
  :'paid_before'::bigint,
  'the paid calls of both spellings still count (the ledger agrees)');
select results_eq($$select sum(rekeyed + merged)::bigint from enrich._canonicalise_entity_keys()$$,
  $$values (0::bigint)$$, 'a second run changes nothing');

select * from finish();
rollback;

-- A company known by its LinkedIn page only learns its domain from its result, by worker
-- housekeeping (a later row with that domain is the same company, nothing paid again); a
-- result naming a domain that another company has makes housekeeping merge the two;
-- platform hosts teach nothing; a workflow told to learn nothing does not.
begin;
select plan(11);

select enrich.create_batch('company', '[
  {"company_name": "Acme", "company_linkedin_url": "linkedin.com/company/acme"},
  {"company_name": "Beta", "company_linkedin_url": "linkedin.com/company/beta"},
  {"company_name": "Gamma", "company_linkedin_url": "linkedin.com/company/gamma"},
  {"company_domain": "beta.io"}]') as b1 \gset
select enrich_test.send_all();
select company_id as acme from enrich.company_identifiers where value = 'https://www.linkedin.com/company/acme' \gset
select company_id as beta_page from enrich.company_identifiers where value = 'https://www.linkedin.com/company/beta' \gset
select company_id as gamma from enrich.company_identifiers where value = 'https://www.linkedin.com/company/gamma' \gset
select enrich_test.company_id('beta.io') as beta_domain \gset

select is(enrich.receive_result('enrich_company_via_waterfall_in_clay',
            jsonb_build_object('company_id', :'acme', 'website', 'https://www.Acme.com/about')),
  'completed', 'Acme''s result names its website');
select is(enrich.perform_queued_merges(), 0, 'housekeeping adds the domain (nothing to merge)');
select is((select domain from enrich.normalized_companies where id = :'acme'), 'acme.com',
  'Acme learns its domain');
select enrich.create_batch('company', '[{"email": "jo@acme.com"}]') as b2 \gset
select is((select company_id from enrich.batch_items where batch_id = :'b2'), :'acme'::uuid,
  'a later row with the domain is Acme');
select is((select status from enrich.batch_items where batch_id = :'b2'), 'COMPLETED',
  'and is served by the result already paid for');

select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', :'beta_page', 'company_domain', 'beta.io'));
select is((select count(*) from enrich.normalized_companies where id in (:'beta_page', :'beta_domain')),
  2::bigint, 'the callback merges nothing');
select is(enrich.perform_queued_merges(), 1, 'housekeeping performs it');
select is((select count(*) from enrich.normalized_companies where id in (:'beta_page', :'beta_domain')),
  1::bigint, 'Beta is one company');

select enrich.receive_result('enrich_company_via_waterfall_in_clay',
  jsonb_build_object('company_id', :'gamma', 'website', 'https://www.linkedin.com/company/gamma'));
select enrich.perform_queued_merges();
select is((select domain from enrich.normalized_companies where id = :'gamma'), null,
  'a platform host teaches nothing');

select enrich.set_workflow('enrich_company_via_waterfall_in_clay', p_learn_domain_from => '{}');
select is((enrich.describe_workflow('enrich_company_via_waterfall_in_clay') -> 'learn_domain_from'),
  '[]'::jsonb, 'a workflow can learn nothing');
select is_empty($$select * from enrich.check_invariants()$$, 'every invariant holds');

select * from finish();
rollback;

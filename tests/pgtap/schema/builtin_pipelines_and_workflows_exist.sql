begin;
select plan(4);

select is((select steps from enrich.pipelines where name = 'company'),
  array['normalize_all_core_values', 'split', 'enrich_company_via_waterfall_in_clay'],
  'pipeline company: normalize, split, company enrichment');
select is((select steps from enrich.pipelines where name = 'company_and_person'),
  array['normalize_all_core_values', 'split', 'enrich_company_via_waterfall_in_clay',
        'enrich_person_via_waterfall_in_clay'],
  'pipeline company_and_person: ... then person enrichment');
select results_eq(
  $$select slug, entity_type from enrich.workflows order by slug$$,
  $$values ('enrich_company_via_waterfall_in_clay', 'company'),
           ('enrich_person_via_waterfall_in_clay', 'person')$$,
  'the two Clay workflows exist');
select cmp_ok((select count(*) from enrich.public_suffix_rules), '>', 9000::bigint,
  'the Public Suffix List is loaded');

select * from finish();
rollback;

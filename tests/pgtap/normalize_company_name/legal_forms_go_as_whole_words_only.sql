begin;
select plan(8);

select is(enrich.normalize_company_name('Mesa'), 'mesa', '"sa" inside a word stays');
select is(enrich.normalize_company_name('Las Vegas Sands'), 'las vegas sands', '"sands" is no "sa"');
select is(enrich.normalize_company_name('Costco'), 'costco', '"co" inside a word stays');
select is(enrich.normalize_company_name('Inca Foods Incorporated'), 'inca foods incorporated',
  'unlisted forms stay (incorporated is not in the list)');
select is(enrich.normalize_company_name('AS Roma'), 'as roma', 'a leading form stays');
select is(enrich.normalize_company_name('Co-op Bank'), 'co op bank', 'a form word inside the name stays');
select is(enrich.normalize_company_name('Plan B'), 'plan b', 'a single trailing letter stays');
select is(enrich.normalize_company_name('The Company'), 'the',
  'only the form goes, even when little is left');

select * from finish();
rollback;

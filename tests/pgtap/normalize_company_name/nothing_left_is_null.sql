begin;
select plan(7);

select is(enrich.normalize_company_name(null), null, 'NULL is NULL');
select is(enrich.normalize_company_name(''), null, 'empty is NULL');
select is(enrich.normalize_company_name('   '), null, 'spaces only is NULL');
select is(enrich.normalize_company_name('Inc.'), null, 'a legal form alone is NULL');
select is(enrich.normalize_company_name('S.A.'), null, 'a dotted legal form alone is NULL');
select is(enrich.normalize_company_name('Co., Ltd.'), null, 'legal forms alone are NULL');
select is(enrich.normalize_company_name('--- & ---'), 'and', '"&" alone is the word and');

select * from finish();
rollback;

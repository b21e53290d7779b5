begin;
select plan(5);

select is(enrich.normalize_email('  Ada@Acme.COM '), 'ada@acme.com', 'trimmed and lower-cased');
select is(enrich.normalize_email('ada@acme'), null, 'a host without a TLD is refused');
select is(enrich.normalize_email('ada@@acme.com'), null, 'two @ are refused');
select is(enrich.normalize_email(''), null, 'empty is NULL');
select is(enrich.normalize_email(null), null, 'NULL is NULL');

select * from finish();
rollback;

-- An internationalised domain in Unicode and in Punycode, an address with mailto: or a
-- trailing dot: one company, one person (keys in canonical form), so one Clay call each.
begin;
select plan(3);
select enrich.create_batch('company_and_person', '[
  {"email": "Jürgen@Bücher.DE"}, {"email": "jürgen@xn--bcher-kva.de"},
  {"email": "mailto:ann@acme.com?subject=Hi"}, {"email": "ann@acme.com."},
  {"email": "ann@acme.com", "company_website": "https://shop.bücher.de"}]') as batch_id \gset
select results_eq(
  format($$select distinct company_key from enrich.batch_items where batch_id = %L order by 1$$,
         :'batch_id'),
  $$values ('acme.com'), ('xn--bcher-kva.de')$$, 'one company key per domain');
select results_eq(
  format($$select distinct person_key from enrich.batch_items where batch_id = %L order by 1$$,
         :'batch_id'),
  $$values ('ann@acme.com'), ('jürgen@xn--bcher-kva.de')$$, 'one person key per address');
select is((select count(*) from enrich.normalized_companies), 2::bigint, 'two companies to enrich');
select * from finish();
rollback;

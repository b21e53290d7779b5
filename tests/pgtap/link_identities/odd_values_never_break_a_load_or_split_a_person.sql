-- A cell too big to be an identifier (a stray quote in a CSV makes multi-KB cells) does not
-- break the load: that value identifies nothing and its row is linked by its other
-- identifiers, or fails alone for want of one. Zero-width characters (invisible in a
-- spreadsheet) do not make a second person.
begin;
select plan(5);
select enrich.create_batch('company_and_person', jsonb_build_array(
  jsonb_build_object('email', 'ada@acme.com', 'company_domain', 'acme.com',
                     'company_linkedin_url', 'https://www.linkedin.com/company/' ||
                       (select string_agg(md5(g::text), '') from generate_series(1, 150) g),
                     'company_name', (select string_agg(md5(g::text || 'x'), ' ') from generate_series(1, 150) g)),
  jsonb_build_object('email', E'ada\u200b@acme.com', 'company_domain', E'\ufeffacme.com'),
  jsonb_build_object('company_name', (select string_agg(md5(g::text || 'y'), ' ') from generate_series(1, 150) g)),
  jsonb_build_object('email', 'bo@beta.io'))) as b \gset
select is((select count(*) from enrich.batch_items where batch_id = :'b'), 4::bigint, 'the load went through');
select is((select count(distinct person_id) from enrich.batch_items where batch_id = :'b' and row_number in (1, 2)),
  1::bigint, 'the address with a zero-width space is the same person');
select is((select company_key from enrich.batch_items where batch_id = :'b' and row_number = 1), 'acme.com',
  'the row with the oversized page and name is Acme by its domain');
select is((select status from enrich.batch_items where batch_id = :'b' and row_number = 3), 'FAILED',
  'a row whose only company identifier is oversized fails alone');
select is((select status from enrich.batch_items where batch_id = :'b' and row_number = 4), 'IN_PROGRESS',
  'the other rows go on');
select * from finish();
rollback;

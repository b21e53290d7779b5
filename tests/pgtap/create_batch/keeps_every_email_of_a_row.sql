begin;
select plan(4);
select enrich.create_batch('company', '[{"Work Email": "a@x.io", "email": "b@x.io", "Email 2": "c@x.io"},
  {"work_email": "d@x.io", "Email Address": "e@x.io"}, {"Email Address": "f@x.io"}]') as batch_id \gset
select is((select data from enrich.batch_items where batch_id = :'batch_id' and row_number = 1),
  '{"email": "b@x.io", "email_2": "c@x.io", "email_3": "a@x.io"}'::jsonb,
  'the key named email is email; the others are email_2, email_3 in sort order');
select is((select data from enrich.batch_items where batch_id = :'batch_id' and row_number = 2),
  '{"email": "e@x.io", "email_2": "d@x.io"}'::jsonb,
  'without a key named email, the first in sort order is email');
select is((select data from enrich.batch_items where batch_id = :'batch_id' and row_number = 3),
  '{"email": "f@x.io"}'::jsonb, 'one email key is email');
select throws_ok($$select enrich.create_batch('company', '[{"Email": "a@x.io", "email": "b@x.io", "Work Email": "c@x.io"}]')$$,
  'EN003', 'create_batch: row 1 has ''Email'' and ''email'', which both name ''email''',
  'two keys of one name are still refused: a value would be lost');
select * from finish();
rollback;

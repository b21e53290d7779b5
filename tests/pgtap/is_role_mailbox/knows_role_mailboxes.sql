begin;
select plan(22);

select ok(enrich._is_role_mailbox(m || '@acme.com'), m || '@ is a role mailbox')
  from unnest(array['info', 'sales', 'contact', 'hello', 'support', 'admin', 'office', 'team',
                    'noreply', 'no-reply', 'marketing', 'billing', 'jobs', 'careers']) as m;
select ok(enrich._is_role_mailbox('info+newsletter@acme.com'), 'a +tag is ignored');
select ok(not enrich._is_role_mailbox('ada@acme.com'), 'a person''s address is no role mailbox');
select ok(not enrich._is_role_mailbox('ada+info@acme.com'), 'a role word in the +tag does not count');
select ok(not enrich._is_role_mailbox('information@acme.com'), 'the whole local part must match');
select ok(not enrich._is_role_mailbox('sales.team@acme.com'), 'a role word inside a longer local part does not count');
select ok(not enrich._is_role_mailbox('acme@info.com'), 'the domain does not count');
select ok(not enrich._is_role_mailbox(''), 'empty is no role mailbox');
select is(enrich._is_role_mailbox(null), false, 'NULL is no role mailbox (false, not NULL)');

select * from finish();
rollback;

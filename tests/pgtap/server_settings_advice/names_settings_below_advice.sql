begin;
select plan(2);
set local work_mem = '1MB';
set local statement_timeout = '30s';
select results_eq($$select setting, current_value from enrich.server_settings_advice()
                    where setting in ('work_mem', 'statement_timeout') order by 1$$,
  $$values ('statement_timeout'::text, '30s'::text), ('work_mem', '1MB')$$,
  'a setting below the advice, and a statement timeout that can stop a big load, are named');
set local work_mem = '64MB';
set local statement_timeout = 0;
select is_empty($$select from enrich.server_settings_advice()
                  where setting in ('work_mem', 'statement_timeout')$$,
  'at the advice, or without a timeout, nothing is said');
select * from finish();
rollback;

begin;
select plan(1);

-- Every case of tests/vectors/company_keys.tsv and ../shared/vectors/company_keys.tsv.
select is_empty($$
  select source, field, input, expected, got from (
    select v.*, case v.field
                  when 'company_domain' then enrich.company_key(v.input, null, null)
                  when 'company_website' then enrich.company_key(null, v.input, null)
                  when 'email' then enrich.company_key(null, null, v.input)
                end as got
    from enrich_test.key_vectors v where v.kind = 'company') c
  where got is distinct from expected
$$, 'company_key gives the expected key for every company vector');

select * from finish();
rollback;

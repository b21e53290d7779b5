begin;
select plan(1);

select is_empty($$
  select source, input, expected, enrich.normalize_linkedin_url(input) as got
  from enrich_test.key_vectors
  where kind = 'person' and field = 'linkedin_url'
    and enrich.normalize_linkedin_url(input) is distinct from expected
$$, 'every LinkedIn vector gives https://www.linkedin.com/in/<slug>');

select * from finish();
rollback;

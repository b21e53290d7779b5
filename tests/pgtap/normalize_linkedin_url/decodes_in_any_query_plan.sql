begin;
select plan(2);

-- Percent-decoding may need a subtransaction (to keep undecodable text as written), which a
-- parallel worker cannot start: the functions must keep themselves out of parallel plans.
set local force_parallel_mode = on;
select is(enrich.normalize_linkedin_url('https://www.linkedin.com/in/J%C3%B6rg-M%C3%BCller/'),
          'https://www.linkedin.com/in/jörg-müller', 'decodes when parallel plans are forced');
select is(enrich.normalize_linkedin_url('linkedin.com/in/bad%FFbyte'),
          'https://www.linkedin.com/in/bad%ffbyte', 'undecodable bytes stay as written');

select * from finish();
rollback;

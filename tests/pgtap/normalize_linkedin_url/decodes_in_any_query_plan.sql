begin;
select plan(5);

-- Normalisation runs in parallel plans (a batch's keys are computed by parallel workers):
-- percent-decoding must work there, including keeping undecodable text as written (no
-- subtransaction, which a parallel worker cannot start).
set local force_parallel_mode = on;
select is(enrich.normalize_linkedin_url('https://www.linkedin.com/in/J%C3%B6rg-M%C3%BCller/'),
          'https://www.linkedin.com/in/jörg-müller', 'decodes when parallel plans are forced');
select is(enrich.normalize_linkedin_url('linkedin.com/in/bad%FFbyte'),
          'https://www.linkedin.com/in/bad%ffbyte', 'undecodable bytes stay as written');

select is(enrich.normalize_linkedin_url('linkedin.com/in/nul%00byte'),
          'https://www.linkedin.com/in/nul%00byte', 'an escaped NUL stays as written');
select is(enrich.normalize_linkedin_url('linkedin.com/in/half%E2%82'),
          'https://www.linkedin.com/in/half%e2%82', 'a truncated multi-byte sequence stays as written');
select is(enrich.normalize_linkedin_url('linkedin.com/in/emoji%F0%9F%98%80-100%25'),
          'https://www.linkedin.com/in/emoji😀-100%', 'four-byte sequences and %25 decode');
select * from finish();
rollback;

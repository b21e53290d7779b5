begin;
select plan(25);

select ok(enrich._is_platform_domain(d), d || ' is a platform')
  from unnest(array['linkedin.com', 'facebook.com', 'fb.com', 'x.com', 'twitter.com',
                    'instagram.com', 'github.com', 'medium.com', 'crunchbase.com', 'youtube.com',
                    'tiktok.com', 'pinterest.com', 'angel.co', 'wellfound.com', 'glassdoor.com',
                    'indeed.com', 'bit.ly', 'linktr.ee']) as d;
select ok(not enrich._is_platform_domain('acme.com'), 'a company''s domain is no platform');
select ok(not enrich._is_platform_domain('notlinkedin.com'), 'a look-alike is no platform');
select ok(not enrich._is_platform_domain('gmail.com'), 'free mail is another list (free_email_domains)');
select ok(not enrich._is_platform_domain('angel.com'), 'angel.co only, not angel.com');
select ok(enrich._is_platform_domain(enrich.registrable_domain('https://uk.linkedin.com/company/acme')),
  'a platform URL, once reduced to its registrable domain');
select ok(not enrich._is_platform_domain(''), 'empty is no platform');
select is(enrich._is_platform_domain(null), false, 'NULL is no platform (false, not NULL)');

select * from finish();
rollback;

-- enrich._is_platform_domain: whether a registrable domain is a platform's (social network,
-- code host, link shortener, job board), never a company's own; the one home of that list.

create or replace function enrich._is_platform_domain(p_registrable_domain text) returns boolean
language sql immutable parallel safe as $$
  -- A company's page on a platform (linkedin.com/company/acme, github.com/acme) is given as its
  -- website often enough, and would make every such company one. Free-mail providers are a
  -- separate list (enrich.free_email_domains). Pure SQL, no SET, so it inlines.
  select coalesce(p_registrable_domain in (
    'linkedin.com', 'facebook.com', 'fb.com', 'x.com', 'twitter.com', 'instagram.com',
    'github.com', 'medium.com', 'crunchbase.com', 'youtube.com', 'tiktok.com', 'pinterest.com',
    'angel.co', 'wellfound.com', 'glassdoor.com', 'indeed.com', 'bit.ly', 'linktr.ee',
    't.co', 'lnkd.in', 'xing.com', 'threads.net', 'yelp.com', 'wikipedia.org', 'zoominfo.com',
    'squarespace.com', 'substack.com', 'calendly.com', 'about.me', 'producthunt.com',
    'behance.net', 'dribbble.com', 'tumblr.com', 'notion.site'),
    false)
$$;
comment on function enrich._is_platform_domain(text) is
  'True when a registrable domain is a platform''s (linkedin.com, facebook.com, x.com, '
  'github.com, crunchbase.com, bit.ly, linktr.ee, ...), never a company''s own domain. False '
  'for NULL. Free-mail providers are enrich.free_email_domains.';

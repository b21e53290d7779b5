-- enrich._is_role_mailbox: whether a normalised address is a role mailbox (info@, sales@),
-- the one home of that list.

create or replace function enrich._is_role_mailbox(p_email text) returns boolean
language sql immutable parallel safe as $$
  -- A role mailbox identifies no person (whoever answers info@ today), but it still names
  -- the company: its domain keys the company, never the person. The local part is compared
  -- without its +tag; the address is already normalised (lower case, one @). Pure SQL, the
  -- argument used once and no SET, so it inlines.
  select coalesce(pg_catalog.split_part(pg_catalog.split_part(p_email, '@', 1), '+', 1)
                  in ('info', 'sales', 'contact', 'hello', 'support', 'admin', 'office', 'team',
                      'noreply', 'no-reply', 'marketing', 'billing', 'jobs', 'careers'),
                  false)
$$;
comment on function enrich._is_role_mailbox(text) is
  'True when a normalised address is a role mailbox (info, sales, contact, hello, support, '
  'admin, office, team, noreply, no-reply, marketing, billing, jobs, careers; +tag ignored): '
  'it names the company but no person. False for NULL.';

-- enrich.identity_notices: links worth a look, for `enrich doctor` (notices, not violations):
-- a person known by two LinkedIn profiles (one real person rarely has two: a shared or
-- mistyped email may have linked two people), and merges results revealed that housekeeping
-- has not performed yet.

create or replace function enrich.identity_notices()
returns table (notice text, subject_id text, detail text)
language sql stable set search_path = '' as $$
  select 'person_with_two_linkedin_profiles', i.person_id::text,
         format('person %s is known by %s LinkedIn profiles (%s): a likely wrong link; see '
                'enrich lookup %s', i.person_id, count(*),
                string_agg(i.value, ', ' order by i.value), i.person_id)
  from enrich.person_identifiers i
  where i.kind = 'linkedin'
  group by i.person_id having count(*) > 1
  union all
  select 'merges_queued', null, format('%s merge(s) results revealed wait for a worker''s '
                                       'housekeeping', count(*))
  from enrich.queued_merges having count(*) > 0
$$;
comment on function enrich.identity_notices() is
  'Identity links worth a look (enrich doctor''s notices): people known by two LinkedIn '
  'profiles, merges queued by results and not yet performed.';

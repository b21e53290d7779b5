begin;
select plan(5);
select is(enrich.set_workflow('enrich_things', array['https://h.test/1'], '10 minutes', 5, 2, 4,
                              '30 days', p_entity_type => 'person', p_create => true) ->> 'entity_type',
          'person', 'new workflow');
select is((select timeout from enrich.workflows where slug = 'enrich_things'), interval '10 minutes', 'timeout set');
update enrich.workflow_webhooks set submissions = 7 where url = 'https://h.test/1';
select enrich.set_workflow('enrich_things', array['https://h.test/2', 'https://h.test/1']);
select is((select submissions from enrich.workflow_webhooks where url = 'https://h.test/1'), 7,
  'a known URL keeps its submission count');
select enrich.set_workflow('enrich_things', array['https://h.test/2'], p_clear_ttl => true);
select isnt((select retired_at from enrich.workflow_webhooks where url = 'https://h.test/1'), null,
  'a URL no longer listed is retired');
select is((select ttl from enrich.workflows where slug = 'enrich_things'), null, 'TTL cleared');
select * from finish();
rollback;

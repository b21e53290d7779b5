begin;
select plan(8);

select is(enrich.registrable_domain('shop.acme.co.uk'), 'acme.co.uk', 'multi-label suffix co.uk');
select is(enrich.registrable_domain('acme.com.au'), 'acme.com.au', 'acme.com.au stays');
select is(enrich.registrable_domain('co.uk'), null, 'a bare public suffix has no registrable domain');
select is(enrich.registrable_domain('a.b.ck'), 'a.b.ck', 'wildcard rule *.ck');
select is(enrich.registrable_domain('www.ck'), 'www.ck', 'exception rule !www.ck');
select is(enrich.registrable_domain('x.unknowntld'), 'x.unknowntld', 'unlisted TLD: implicit rule *');
select is(enrich.registrable_domain('https://User:Pw@Eu.App.Acme.IO:8443/x?y#z'), 'acme.io',
  'URL dressing is removed');
select is(enrich.registrable_domain('192.168.0.1'), null, 'an IP address is no domain');

select * from finish();
rollback;

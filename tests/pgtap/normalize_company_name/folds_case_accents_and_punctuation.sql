begin;
select plan(16);

select is(enrich.normalize_company_name('ACME Widgets'), 'acme widgets', 'lower case');
select is(enrich.normalize_company_name('  Acme    Widgets  '), 'acme widgets', 'spaces collapsed and trimmed');
select is(enrich.normalize_company_name(E'Acme\tWidgets\u00a0Group'), 'acme widgets group',
  'tabs and no-break spaces are spaces');
select is(enrich.normalize_company_name('Acme-Widgets/Group'), 'acme widgets group',
  'punctuation is a space');
select is(enrich.normalize_company_name('Acme — Widgets™ (Europe)'), 'acme widgets europe',
  'dashes, symbols and brackets are spaces');
select is(enrich.normalize_company_name('Johnson & Johnson'), 'johnson and johnson', '& is and');
select is(enrich.normalize_company_name('Johnson&Johnson'), 'johnson and johnson', '& is a word of its own');
select is(enrich.normalize_company_name('McDonald''s'), 'mcdonalds', 'an apostrophe is dropped, not a space');
select is(enrich.normalize_company_name('McDonald’s'), 'mcdonalds', 'a typographic apostrophe too');
select is(enrich.normalize_company_name('Crème Brûlée Café'), 'creme brulee cafe', 'Latin-1 accents go');
select is(enrich.normalize_company_name('ŁÓDŹ Żegluga Ślęża'), 'lodz zegluga sleza', 'Latin Extended-A letters go');
select is(enrich.normalize_company_name('Großmann Æble Œuvre Ørsted'), 'grossmann aeble oeuvre orsted',
  'ß, æ, œ and ø are spelled out');
select is(enrich.normalize_company_name(E'Socie\u0301te\u0301'), 'societe',
  'decomposed accents (combining marks) go');
select is(enrich.normalize_company_name('Société Générale'), enrich.normalize_company_name('SOCIETE GENERALE'),
  'accented and plain spellings are one name');
select is(enrich.normalize_company_name('東京電力株式会社'), '東京電力株式会社', 'other scripts are kept');
select is(enrich.normalize_company_name('3M Company'), '3m', 'digits are kept');

select * from finish();
rollback;

begin;
select plan(22);

select is(enrich.normalize_company_name('ACME, Inc.'), 'acme', 'Inc. goes');
select is(enrich.normalize_company_name('Acme LLC'), 'acme', 'LLC goes');
select is(enrich.normalize_company_name('Acme L.L.C.'), 'acme', 'L.L.C. goes');
select is(enrich.normalize_company_name('Acme Limited'), 'acme', 'Limited goes');
select is(enrich.normalize_company_name('Acme Holdings Co., Ltd.'), 'acme holdings',
  'Co., Ltd.: two forms, both go');
select is(enrich.normalize_company_name('Acme Pty. Ltd.'), 'acme', 'Pty. Ltd. goes');
select is(enrich.normalize_company_name('Société Générale S.A.'), 'societe generale',
  'S.A. (spelled "s a" once dots are spaces) goes');
select is(enrich.normalize_company_name('Acme SA'), 'acme', 'SA goes');
select is(enrich.normalize_company_name('Acme S.A.S.'), 'acme', 'S.A.S. goes whole, not as "s" + "a s"');
select is(enrich.normalize_company_name('Acme S.A.R.L.'), 'acme', 'S.A.R.L. goes');
select is(enrich.normalize_company_name('Acme B.V.'), 'acme', 'B.V. goes');
select is(enrich.normalize_company_name('Acme N.V.'), 'acme', 'N.V. goes');
select is(enrich.normalize_company_name('Acme S.p.A.'), 'acme', 'S.p.A. goes');
select is(enrich.normalize_company_name('Acme S.r.l.'), 'acme', 'S.r.l. goes');
select is(enrich.normalize_company_name('Acme P.L.C.'), 'acme', 'P.L.C. goes');
select is(enrich.normalize_company_name('Acme GmbH'), 'acme', 'GmbH goes');
select is(enrich.normalize_company_name('Volvo AB'), 'volvo', 'AB goes');
select is(enrich.normalize_company_name('Supercell Oy'), 'supercell', 'Oy goes');
select is(enrich.normalize_company_name('Smith & Co.'), 'smith', '"& Co." goes whole, no trailing "and"');
select is(enrich.normalize_company_name('Bank of America Corporation'), 'bank of america',
  'Corporation goes');
select is(enrich.normalize_company_name('Müller GmbH & Co. KG'), 'muller gmbh and co kg',
  'KG is no listed form, so nothing before it goes either');
select is(enrich.normalize_company_name('Acme Inc. (USA)'), 'acme inc usa',
  'a form that is not trailing stays');

select * from finish();
rollback;

-- enrich.normalize_company_name: a company's name as names are compared: lower case, no
-- accents or punctuation, trailing legal forms (Inc., GmbH, S.A., Co., Ltd.) dropped.

create or replace function enrich.normalize_company_name(p_name text) returns text
language plpgsql immutable strict parallel safe as $$
-- plpgsql for its fast paths (it runs for every row of a batch): plain ASCII skips the accent
-- table (translate scans its whole table per character), and a plain name is no match for
-- the one regular expression (its cost is per match). Not SET search_path (a GUC save/restore per call); every name is
-- qualified or in pg_catalog.
declare
  v_name text := enrich._lower(p_name);
  v_cut  integer;
begin
  if pg_catalog.octet_length(v_name) <> pg_catalog.length(v_name) then
    -- accented Latin-1 and Latin Extended-A letters -> base letter; apostrophes and the
    -- combining accents of decomposed text deleted (translate drops what has no counterpart)
    v_name := pg_catalog.translate(v_name,
      'àáâãäåāăąçćĉċčďđðèéêëēĕėęěĝğġģĥħìíîïĩīĭįıĵķĸĺļľŀłñńņňŉŋòóôõöøōŏőŕŗřśŝşšſţťŧùúûüũūŭůűųŵýÿŷźżž'
      || E'\'`´‘’ʼ\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308\u030a\u030b\u030c\u0327\u0328',
      'aaaaaaaaacccccdddeeeeeeeeegggghhiiiiiiiiijkklllllnnnnnnooooooooorrrssssstttuuuuuuuuuuwyyyzzz');
    v_name := pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                pg_catalog.replace(v_name, 'ß', 'ss'), 'æ', 'ae'), 'œ', 'oe'), 'ĳ', 'ij'), 'þ', 'th');
  elsif pg_catalog.strpos(v_name, '''') > 0 or pg_catalog.strpos(v_name, '`') > 0 then
    v_name := pg_catalog.translate(v_name, '''`', '');  -- McDonald's = McDonalds
  end if;
  -- & -> and; punctuation, symbols and spaces (ASCII, Latin-1, General Punctuation, currency,
  -- ™ ℠, CJK, fullwidth; by code point, whatever the locale) -> one space, with one space at
  -- each end. A single space is left alone (no match, no cost).
  v_name := pg_catalog.regexp_replace(' ' || pg_catalog.replace(v_name, '&', ' and ') || ' ',
    ' ?[\u0001-\u001f\u0021-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00bf\u00d7\u00f7'
    '\u2000-\u206f\u20a0-\u20cf\u2120\u2122\u3000-\u303f\ufeff\uff01-\uff0f\uff1a-\uff20'
    '\uff3b-\uff40\uff5b-\uff65][\u0001-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u00bf'
    '\u00d7\u00f7\u2000-\u206f\u20a0-\u20cf\u2120\u2122\u3000-\u303f\ufeff\uff01-\uff0f'
    '\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]*|  +', ' ', 'g');
  -- trailing legal forms, whole words, the longest first (" s a s " before " a s "), as many
  -- as there are. Punctuation is gone, so "S.A." is "s a" and "Co., Ltd." is "co ltd": the
  -- spaced-letter spellings are forms too, and so is "& Co." (a partnership's "and company").
  -- Only trailing forms go: "Müller GmbH & Co. KG" keeps all of "muller gmbh and co kg" (kg
  -- is no form here), "Acme Inc. (USA)" its inc. Compared by length with their spaces (no
  -- regular expression: one costs more than the whole list).
  loop
    v_cut := case
      when pg_catalog.right(v_name, 13) in (' corporation ', ' and company ') then 13
      when pg_catalog.right(v_name, 9) in (' limited ', ' company ', ' s a r l ') then 9
      when pg_catalog.right(v_name, 8) in (' and co ') then 8
      when pg_catalog.right(v_name, 7) in (' l l c ', ' s a s ', ' p l c ', ' s p a ', ' s r l ') then 7
      when pg_catalog.right(v_name, 6) in (' gmbh ', ' sarl ', ' corp ') then 6
      when pg_catalog.right(v_name, 5) in (' inc ', ' llc ', ' ltd ', ' sas ', ' pty ', ' plc ',
                                           ' spa ', ' srl ', ' a g ', ' s a ', ' b v ', ' n v ',
                                           ' a b ', ' a s ') then 5
      when pg_catalog.right(v_name, 4) in (' co ', ' ag ', ' sa ', ' bv ', ' nv ', ' oy ', ' ab ',
                                           ' as ') then 4
      else 0 end;
    exit when v_cut = 0;
    v_name := pg_catalog.left(v_name, 1 - v_cut);  -- keeps the form's leading space
  end loop;
  return nullif(pg_catalog.btrim(v_name, ' '), '');
end;
$$;
comment on function enrich.normalize_company_name(text) is
  'Company name as names are compared: lower case, accents removed (Latin-1 and Latin '
  'Extended-A; ß -> ss, æ -> ae, œ -> oe), apostrophes dropped, & -> and, other punctuation '
  '-> space, spaces collapsed, then trailing legal forms (whole words, repeatedly: inc, llc, '
  'ltd, limited, gmbh, ag, sa, sas, sarl, bv, nv, pty, corp, corporation, co, company, '
  '& co, plc, spa, srl, oy, ab, as, and their dotted spellings S.A., B.V., L.L.C., ...) '
  'removed. "Acme Holdings Co., Ltd." -> "acme holdings". NULL when nothing is left.';

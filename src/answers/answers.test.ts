import { describe, expect, it } from 'vitest';
import { ANSWERS } from './index.ts';
import { readVisitor } from './visitor.ts';

const ok = (value: string) => ({ ok: true, value });
const no = (code: string) => ({ ok: false, code });

describe('every kind', () => {
  it.each(Object.keys(ANSWERS) as (keyof typeof ANSWERS)[])('%s refuses an empty or blank answer', (kind) => {
    expect(ANSWERS[kind]('', 'en')).toEqual(no('empty'));
    expect(ANSWERS[kind]('  \u3000 ', 'ja')).toEqual(no('empty'));
  });
});

describe('text', () => {
  it('keeps any non-empty text, NFKC-normalised and trimmed', () => {
    expect(ANSWERS.text('  ｈｅｌｌｏ　ﾃｽﾄ  ', 'en')).toEqual(ok('hello テスト'));
  });

  it('drops C0 and C1 control characters but newline and tab, so no answer carries a terminal sequence', () => {
    expect(ANSWERS.text('\u001b]0;pwned\u0007Hello\u001b[2J', 'en')).toEqual(ok(']0;pwnedHello[2J'));
    expect(ANSWERS.text('line one\r\nline\ttwo\rthree\u0000\u007f\u0085\u009b', 'en')).toEqual(ok('line one\nline\ttwothree'));
    expect(ANSWERS.name('\u001b[31mMio\u001b[0m', 'en')).toEqual(ok('[31mMio[0m'));
    expect(ANSWERS.email('mio\u0000@example.com', 'en')).toEqual(ok('mio@example.com'));
    expect(ANSWERS.text('\u0007\u001b', 'en')).toEqual(no('empty'));
  });
});

describe('name', () => {
  it('keeps names as typed, markup and merge-field look-alikes included', () => {
    expect(ANSWERS.name("O'Brien", 'en')).toEqual(ok("O'Brien"));
    expect(ANSWERS.name('<b>%secret%</b>', 'en')).toEqual(ok('<b>%secret%</b>'));
    expect(ANSWERS.name('　山田　太郎　', 'ja')).toEqual(ok('山田 太郎'));
  });
  it('allows 200 characters and refuses 201, counting kanji as one each', () => {
    expect(ANSWERS.name('山'.repeat(200), 'ja')).toEqual(ok('山'.repeat(200)));
    expect(ANSWERS.name('山'.repeat(201), 'ja')).toEqual(no('too_long'));
    expect(ANSWERS.name('😀'.repeat(200), 'en').ok).toBe(true);
  });
});

describe('email', () => {
  it('reads full-width addresses as half-width and lower-cases the domain only', () => {
    expect(ANSWERS.email('ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ', 'ja')).toEqual(ok('taro@example.com'));
    expect(ANSWERS.email(' Taro.Y@Example.CO.JP ', 'en')).toEqual(ok('Taro.Y@example.co.jp'));
  });
  it.each(['taro', 'taro@example', '@example.com', 'taro@@example.com', 'ta ro@example.com', 'taro@example.', 'taro@.com'])('refuses %j', (raw) =>
    expect(ANSWERS.email(raw, 'en')).toEqual(no('email')),
  );
});

describe('phone', () => {
  it('turns full-width digits and every dash-like character into plain ones, keeping the grouping', () => {
    expect(ANSWERS.phone('０９０－１２３４－５６７８', 'ja')).toEqual(ok('090-1234-5678'));
    expect(ANSWERS.phone('090ー1234ー5678', 'ja')).toEqual(ok('090-1234-5678'));
    for (const dash of ['‐', '‑', '–', '—', '−', '－', 'ｰ']) {
      expect(ANSWERS.phone(`03${dash}1234${dash}5678`, 'en')).toEqual(ok('03-1234-5678'));
    }
    expect(ANSWERS.phone('+81 (90) 1234 5678', 'en')).toEqual(ok('+81 (90) 1234 5678'));
  });
  it('refuses letters, a + inside the number, and too few or too many digits', () => {
    expect(ANSWERS.phone('090-CALL-NOW', 'en')).toEqual(no('phone'));
    expect(ANSWERS.phone('090+1234', 'en')).toEqual(no('phone'));
    expect(ANSWERS.phone('12-345', 'en')).toEqual(no('phone_digits'));
    expect(ANSWERS.phone('123456', 'en')).toEqual(ok('123456'));
    expect(ANSWERS.phone('1'.repeat(20), 'en').ok).toBe(true);
    expect(ANSWERS.phone('1'.repeat(21), 'en')).toEqual(no('phone_digits'));
  });
});

describe('number', () => {
  it('drops thousands separators and keeps the decimal point', () => {
    expect(ANSWERS.number('１２，０００', 'ja')).toEqual(ok('12000'));
    expect(ANSWERS.number('1,234,567.50', 'en')).toEqual(ok('1234567.50'));
    expect(ANSWERS.number('-3.5', 'en')).toEqual(ok('-3.5'));
    expect(ANSWERS.number('+7', 'en')).toEqual(ok('7'));
    expect(ANSWERS.number('１２．５', 'ja')).toEqual(ok('12.5'));
  });
  it.each(['12 apples', '1,5', '1,23,456', '1.2.3', 'twelve', '.5', '5.'])('refuses %j', (raw) => {
    expect(ANSWERS.number(raw, 'en')).toEqual(no('number'));
  });
});

describe('date', () => {
  it('reads ISO and YYYY/M/D in every locale', () => {
    for (const locale of ['en', 'ja'] as const) {
      expect(ANSWERS.date('2026-12-01', locale)).toEqual(ok('2026-12-01'));
      expect(ANSWERS.date('2026/12/1', locale)).toEqual(ok('2026-12-01'));
      expect(ANSWERS.date('２０２６／３／９', locale)).toEqual(ok('2026-03-09'));
    }
  });
  it('reads M/D/YYYY in en only', () => {
    expect(ANSWERS.date('12/1/2026', 'en')).toEqual(ok('2026-12-01'));
    expect(ANSWERS.date('12/1/2026', 'ja')).toEqual(no('date'));
  });
  it('reads YYYY年M月D日 in ja only, full-width digits too', () => {
    expect(ANSWERS.date('2026年12月1日', 'ja')).toEqual(ok('2026-12-01'));
    expect(ANSWERS.date('２０２６年１２月１日', 'ja')).toEqual(ok('2026-12-01'));
    expect(ANSWERS.date('2026年12月1日', 'en')).toEqual(no('date'));
  });
  it('refuses impossible dates, leap years judged correctly', () => {
    expect(ANSWERS.date('2026-02-30', 'en')).toEqual(no('date_impossible'));
    expect(ANSWERS.date('2026-13-01', 'en')).toEqual(no('date_impossible'));
    expect(ANSWERS.date('2026年4月31日', 'ja')).toEqual(no('date_impossible'));
    expect(ANSWERS.date('2/29/2027', 'en')).toEqual(no('date_impossible'));
    expect(ANSWERS.date('2028-02-29', 'en')).toEqual(ok('2028-02-29'));
    expect(ANSWERS.date('1900-02-29', 'en')).toEqual(no('date_impossible'));
    expect(ANSWERS.date('2000-02-29', 'en')).toEqual(ok('2000-02-29'));
  });
  it.each(['tomorrow', '01-12-2026', '2026-12', '26/12/1'])('refuses %j', (raw) => {
    expect(ANSWERS.date(raw, 'en')).toEqual(no('date'));
  });
});

describe('url', () => {
  it('accepts http and https with a host, stored in WHATWG form', () => {
    expect(ANSWERS.url('https://Example.com', 'en')).toEqual(ok('https://example.com/'));
    expect(ANSWERS.url('ｈｔｔｐ：／／ｅｘａｍｐｌｅ．ｊｐ／ａ', 'ja')).toEqual(ok('http://example.jp/a'));
  });
  it.each(['example.com', 'ftp://example.com', 'javascript:alert(1)', 'mailto:a@b.c', 'http://', 'https:// space.com'])('refuses %j', (raw) =>
    expect(ANSWERS.url(raw, 'en')).toEqual(no('url')),
  );
});

describe('visitor fields a site passes in', () => {
  it('are read like the answers of their kind, empty ones left out', () => {
    expect(readVisitor({ name: '　山田　花子 ', email: 'Hanako@EXAMPLE.jp', phone: '０９０－１２３４－５６７８', company: '  ' }, 'ja')).toEqual({
      ok: true,
      values: { name: '山田 花子', email: 'Hanako@example.jp', phone: '090-1234-5678' },
    });
  });

  it('refuse the first field that is not valid, naming it and its reason', () => {
    expect(readVisitor({ name: 'Hanako', email: 'hanako@', phone: 'x' }, 'en')).toEqual({ ok: false, field: 'email', code: 'email' });
    expect(readVisitor({ phone: '12-34' }, 'en')).toEqual({ ok: false, field: 'phone', code: 'phone_digits' });
    expect(readVisitor({ company: 'Ａ'.repeat(201) }, 'en')).toEqual({ ok: false, field: 'company', code: 'too_long' });
  });
});

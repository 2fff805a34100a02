import { describe, expect, it } from 'vitest';
import { mayMentionJson, mentions, mentionsIn, samePhone, subjectOf, SubjectError, type Subject } from './subject.ts';

const email = (value: string): Subject => subjectOf({ email: value });
const phone = (value: string): Subject => subjectOf({ phone: value });

describe('the subject of a query', () => {
  it('is an email normalised as the store keys it, or a phone number by its digits', () => {
    expect(email('  Taro@Example.COM ')).toEqual({ kind: 'email', value: 'taro@example.com' });
    expect(email('ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＣＯＭ')).toEqual({ kind: 'email', value: 'taro@example.com' });
    expect(phone('090-1234-5678')).toEqual({ kind: 'phone', value: '09012345678', international: false });
    expect(phone('０９０－１２３４－５６７８')).toEqual({ kind: 'phone', value: '09012345678', international: false });
    expect(phone('+81 (90) 1234 5678')).toEqual({ kind: 'phone', value: '819012345678', international: true });
  });

  it('names the field at fault when the query names nobody', () => {
    const refusal = (query: { email?: string; phone?: string }) => {
      try {
        subjectOf(query);
      } catch (error) {
        expect(error).toBeInstanceOf(SubjectError);
        return { field: (error as SubjectError).field, message: (error as Error).message };
      }
      throw new Error('accepted');
    };
    expect(refusal({})).toMatchObject({ field: 'query' });
    expect(refusal({ email: '  ', phone: '' })).toMatchObject({ field: 'query' });
    expect(refusal({ email: 'a@b.co', phone: '0901234567' })).toMatchObject({ field: 'query', message: expect.stringContaining('not both') });
    expect(refusal({ email: 'taro' })).toMatchObject({ field: 'email' });
    expect(refusal({ email: 'taro@localhost' })).toMatchObject({ field: 'email' });
    expect(refusal({ phone: '12345' })).toMatchObject({ field: 'phone', message: expect.stringContaining('6 to 20 digits') });
    expect(refusal({ phone: 'call me' })).toMatchObject({ field: 'phone' });
    expect(refusal({ phone: '1'.repeat(21) })).toMatchObject({ field: 'phone' });
  });
});

describe('finding an email in text', () => {
  const taro = email('taro@example.com');

  it('finds the address whatever its case and width, inside sentences and markup', () => {
    for (const text of [
      'taro@example.com',
      'Write to Taro@Example.com.',
      'メールはＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＣＯＭです',
      '<taro@example.com>',
      'mailto:taro@example.com?subject=x',
      '"taro@example.com", then',
    ]) {
      expect(mentions(taro, text), text).toBe(true);
    }
  });

  it('does not take another address that contains it', () => {
    for (const text of ['xtaro@example.com', 'taro@example.com.au', 'taro@example.community', 'jiro.taro@example.com', 'taro@example.co']) {
      expect(mentions(taro, text), text).toBe(false);
    }
  });

  it('skips JSON text that cannot hold the address without parsing it, and parses any that might', () => {
    expect(mayMentionJson(taro, '{"vars":{"visitor.email":"jiro@example.com"}}')).toBe(false);
    expect(mayMentionJson(taro, '{"vars":{"visitor.email":"TARO@example.com"}}')).toBe(true);
    // Full-width text, or an escape that may decode to it: only the parsed text can tell.
    expect(mayMentionJson(taro, '{"text":"ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＣＯＭ"}')).toBe(true);
    expect(mayMentionJson(taro, '{"text":"\\uff34aro@example.com"}')).toBe(true);
    expect(mentionsIn(taro, JSON.parse('{"text":"\\uff34aro@example.com"}'))).toBe(true);
    const national = phone('090-1234-5678');
    expect(mayMentionJson(national, '{"text":"hello"}')).toBe(false);
    expect(mayMentionJson(national, '{"text":"call 03-9999-0000"}')).toBe(false);
    for (const text of ['090-1234-5678', '+81 (90) 1234 5678', '0901234 5678']) expect(mayMentionJson(national, JSON.stringify({ text })), text).toBe(true);
    expect(mayMentionJson(national, JSON.stringify({ text: '０９０１２３４５６７８' }))).toBe(true);
  });

  it('looks into every string of a JSON value', () => {
    expect(mentionsIn(taro, { vars: { 'visitor.email': 'taro@example.com' } })).toBe(true);
    expect(mentionsIn(taro, [1, null, { a: ['x', 'TARO@example.com'] }])).toBe(true);
    expect(mentionsIn(taro, { 'taro@example.com': 'keys are not data' })).toBe(false);
  });
});

describe('finding a phone number in text', () => {
  const national = phone('090-1234-5678');

  it('finds the number by its digits, however the visitor grouped or wrote them', () => {
    for (const text of [
      '09012345678',
      '090-1234-5678',
      '(090) 1234 5678',
      '090.1234.5678',
      '０９０－１２３４－５６７８',
      '０９０ー１２３４ー５６７８',
      '電話は090-1234-5678までお願いします',
      'call +81 90-1234-5678 after six',
      '+81-90-1234-5678',
      'two numbers: 03 1111 2222 090 1234 5678',
    ]) {
      expect(mentions(national, text), text).toBe(true);
    }
  });

  it('does not take a number that only contains its digits', () => {
    for (const text of ['109012345678', '0901234567', '090-1234-56789', 'order 2026-01-02 12:34:56', '+81 90 1234 56789']) {
      expect(mentions(national, text), text).toBe(false);
    }
  });

  it('finds the national form of an international query', () => {
    const international = phone('+81 90 1234 5678');
    expect(mentions(international, '090-1234-5678')).toBe(true);
    expect(mentions(international, '+81 90-1234-5678')).toBe(true);
    expect(mentions(international, '+1 90-1234-5678')).toBe(false);
  });

  it('needs a trunk 0 to read a national number as an international one', () => {
    expect(samePhone({ digits: '819012345678', international: true }, { digits: '09012345678', international: false })).toBe(true);
    expect(samePhone({ digits: '819012345678', international: true }, { digits: '9012345678', international: false })).toBe(false);
    expect(samePhone({ digits: '819012345678', international: true }, { digits: '009012345678', international: false })).toBe(false);
    expect(samePhone({ digits: '12349012345678', international: true }, { digits: '09012345678', international: false })).toBe(false);
  });
});

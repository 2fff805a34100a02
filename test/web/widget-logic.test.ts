import { describe, expect, it } from 'vitest';
import { ASK_KINDS } from '../../src/vocabulary/ask-kinds.ts';
import { BACKOFF_MAX_MS, backoffDelay } from '../../web/widget/src/backoff.ts';
import { createI18n, guessLocale } from '../../web/widget/src/i18n.ts';
import { identityKey, otherPerson } from '../../web/widget/src/identity.ts';
import { inputHint } from '../../web/widget/src/input-hints.ts';

describe('reconnection backoff', () => {
  it('doubles from one second and stops growing at thirty', () => {
    const exact = (attempt: number) => backoffDelay(attempt, () => 0);
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(exact)).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('spreads retries by up to a fifth, never waiting longer than the step', () => {
    expect(backoffDelay(2, () => 0.999)).toBe(3201);
    expect(backoffDelay(10, () => 0.5)).toBe(BACKOFF_MAX_MS * 0.9);
  });
});

describe('input hints', () => {
  it('gives phones the right keyboard and autofill for each kind of answer', () => {
    expect(inputHint('email')).toEqual({ type: 'email', inputMode: 'email', autocomplete: 'email' });
    expect(inputHint('phone')).toEqual({ type: 'tel', inputMode: 'tel', autocomplete: 'tel' });
    expect(inputHint('url')).toMatchObject({ type: 'url', inputMode: 'url' });
    expect(inputHint('date')).toMatchObject({ type: 'date' });
    expect(inputHint('name')).toMatchObject({ type: 'text', autocomplete: 'name' });
  });

  it('keeps numbers in a text field, so "12,000" and full-width digits reach the server as typed', () => {
    expect(inputHint('number')).toEqual({ type: 'text', inputMode: 'decimal', autocomplete: 'off' });
  });
});

describe('widget languages', () => {
  it('speaks English and Japanese, with a placeholder for every kind of answer', () => {
    const en = createI18n('en');
    const ja = createI18n('ja');
    expect([en.t('launcher'), ja.t('launcher')]).toEqual(['Open chat', 'チャットを開く']);
    expect(ja.t('error.connection')).toBe('接続が切れました。再接続しています…');
    for (const kind of [...ASK_KINDS, 'choice', 'closed']) {
      for (const i18n of [en, ja]) {
        const text = i18n.t(`placeholder.${kind}`);
        expect(text, `${i18n.language} ${kind}`).not.toBe(`placeholder.${kind}`);
        expect(text).not.toBe('');
      }
    }
  });

  it('guesses from the page until the bot tells its own, and falls back to English', () => {
    expect(guessLocale('ja-JP', 'en-US')).toBe('ja');
    expect(guessLocale('', 'ja')).toBe('ja');
    expect(guessLocale(undefined, 'fr-FR')).toBe('en');
    expect(guessLocale(null, 'EN-gb')).toBe('en');
  });
});

describe('what the stored session remembers of an identified visitor', () => {
  it('keeps hashes, never the fields themselves', () => {
    const key = identityKey({ name: 'Hanako Yamada', email: 'hanako@example.com', phone: '090-1234-5678' });
    expect(key).toMatch(/^[0-9a-f]+:[0-9a-f]+$/);
    expect(key).not.toContain('hanako');
    expect(identityKey({ email: 'hanako@example.com', name: 'Hanako Yamada', phone: '090-1234-5678' })).toBe(key);
    expect(identityKey({ name: 'Hanako Yamada', email: 'hanako@example.com' })).not.toBe(key);
  });

  it('tells another person by the email only, and only when both know one', () => {
    const hanako = identityKey({ email: 'hanako@example.com' });
    expect(otherPerson(hanako, identityKey({ email: 'HANAKO@example.com', name: 'Hanako' }))).toBe(false);
    expect(otherPerson(hanako, identityKey({ email: 'taro@example.com' }))).toBe(true);
    expect(otherPerson(hanako, identityKey({ name: 'Taro' }))).toBe(false);
    expect(otherPerson(identityKey({ name: 'Hanako' }), hanako)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { splitPersonName } from './person-name.ts';

describe('splitPersonName', () => {
  it('puts the family name first in Japanese, with either kind of space', () => {
    expect(splitPersonName('田中 太郎', 'ja')).toEqual({ lastName: '田中', firstName: '太郎' });
    expect(splitPersonName('田中\u3000太郎', 'ja')).toEqual({ lastName: '田中', firstName: '太郎' });
    expect(splitPersonName('Tanaka Yui', 'ja')).toEqual({ lastName: 'Tanaka', firstName: 'Yui' });
  });

  it('puts the last word last in English, keeping middle names with the first name', () => {
    expect(splitPersonName('Yui Tanaka', 'en')).toEqual({ lastName: 'Tanaka', firstName: 'Yui' });
    expect(splitPersonName("  Mary  Ann   O'Brien ", 'en')).toEqual({ lastName: "O'Brien", firstName: 'Mary Ann' });
  });

  it('gives one word, or an unspaced name, to the last name only', () => {
    expect(splitPersonName('Cher', 'en')).toEqual({ lastName: 'Cher', firstName: '' });
    expect(splitPersonName('田中太郎', 'ja')).toEqual({ lastName: '田中太郎', firstName: '' });
  });

  it('returns empty parts for an empty name', () => {
    expect(splitPersonName('   ', 'en')).toEqual({ lastName: '', firstName: '' });
  });
});

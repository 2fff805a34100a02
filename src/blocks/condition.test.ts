import { describe, expect, it } from 'vitest';
import { holds, type ConditionOp } from './condition.ts';

const check = (op: ConditionOp, actual: string, expected = '') => holds({ var: 'x', op, value: expected }, actual, expected);

describe('condition operators', () => {
  it('is_set / is_not_set look at whether the variable holds anything but blanks', () => {
    expect(check('is_set', 'a')).toBe(true);
    expect(check('is_set', ' ')).toBe(false);
    expect(check('is_not_set', '')).toBe(true);
    expect(check('is_not_set', '0')).toBe(false);
  });

  it('equals / not_equals compare text after NFKC, ignoring case and surrounding blanks', () => {
    expect(check('equals', 'ＹＥＳ', 'yes')).toBe(true);
    expect(check('equals', ' Tokyo ', 'tokyo')).toBe(true);
    expect(check('equals', 'ｶﾞ', 'ガ')).toBe(true);
    expect(check('equals', 'yes', 'yes!')).toBe(false);
    expect(check('not_equals', 'yes', 'YES')).toBe(false);
    expect(check('not_equals', 'yes', 'no')).toBe(true);
  });

  it('equals compares numbers as numbers when both sides are numbers', () => {
    expect(check('equals', '12000', '12,000.0')).toBe(true);
    expect(check('equals', '１２０００', '12000')).toBe(true);
    expect(check('equals', '007', '7')).toBe(true);
    expect(check('not_equals', '1.5', '1.50')).toBe(false);
    expect(check('equals', '12000', '12k')).toBe(false);
  });

  it('contains is a case-insensitive substring test', () => {
    expect(check('contains', 'I need HELP now', 'help')).toBe(true);
    expect(check('contains', 'お問い合わせ', '問い')).toBe(true);
    expect(check('contains', 'hello', 'bye')).toBe(false);
  });

  it('greater_than / less_than compare numbers as numbers, never as text', () => {
    expect(check('greater_than', '10', '9')).toBe(true);
    expect(check('less_than', '10', '9')).toBe(false);
    expect(check('greater_than', '12,000', '999.5')).toBe(true);
    expect(check('less_than', '-3', '0')).toBe(true);
    expect(check('greater_than', '5', '5')).toBe(false);
  });

  it('greater_than / less_than compare ISO dates as dates', () => {
    expect(check('greater_than', '2026-12-01', '2026-11-30')).toBe(true);
    expect(check('less_than', '2026-12-01', '2027-01-01')).toBe(true);
    expect(check('less_than', '2026-12-01', '2026-12-01')).toBe(false);
  });

  it('greater_than / less_than are false for anything else, an unset variable included', () => {
    expect(check('greater_than', 'b', 'a')).toBe(false);
    expect(check('less_than', 'a', 'b')).toBe(false);
    expect(check('greater_than', '', '0')).toBe(false);
    expect(check('less_than', '5', '')).toBe(false);
    expect(check('greater_than', '2026-12-01', '5')).toBe(false);
  });
});

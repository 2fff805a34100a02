import type { HintCode } from '../result.ts';

export const en: Record<HintCode, string> = {
  empty: 'Please type an answer.',
  too_long: 'That is too long; please shorten it.',
  email: 'That does not look like an email address (for example taro@example.com).',
  phone: 'Please enter a phone number using digits, spaces, - and ( ) only.',
  phone_digits: 'A phone number has between 6 and 20 digits.',
  number: 'Please enter a number, for example 12000 or 12.5.',
  date: 'Please enter a date like 2026-12-01 or 12/1/2026.',
  date_impossible: 'That date does not exist.',
  url: 'Please enter a web address starting with http:// or https://.',
  choice: 'Please pick one of the options.',
};

import type { HintCode } from '../result.ts';

export const ja: Record<HintCode, string> = {
  empty: '回答を入力してください。',
  too_long: '長すぎます。短くして入力してください。',
  email: 'メールアドレスの形式ではないようです（例: taro@example.com）。',
  phone: '電話番号は数字、スペース、-、( ) で入力してください。',
  phone_digits: '電話番号は6〜20桁の数字で入力してください。',
  number: '数値で入力してください（例: 12000、12.5）。',
  date: '日付は 2026-12-01、2026/12/1、2026年12月1日 のように入力してください。',
  date_impossible: 'その日付は存在しません。',
  url: 'http:// または https:// で始まるURLを入力してください。',
  choice: '選択肢の中から選んでください。',
};

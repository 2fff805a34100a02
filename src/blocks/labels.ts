import type { OutcomeName } from '../vocabulary/outcome.ts';
import type { BlockCategory } from './block.ts';
import type { Label } from './fields.ts';

/**
 * Words every block shares: the admin, the builder and the generated docs read them from here
 * (the web app's locale files no longer repeat them).
 */
export const CATEGORY_LABELS: { readonly [C in BlockCategory]: Label } = {
  messages: { en: 'Messages', ja: 'メッセージ' },
  inputs: { en: 'Inputs', ja: '入力' },
  logic: { en: 'Logic', ja: 'ロジック' },
  integrations: { en: 'Integrations', ja: '連携' },
};

/** The outcome of a connector call, which is also the name of the port it takes. */
export const OUTCOME_LABELS: { readonly [O in OutcomeName]: Label } = {
  success: { en: 'Success', ja: '成功' },
  failure: { en: 'Failure', ja: '失敗' },
  integration_invalid: { en: 'Integration invalid', ja: '連携が無効' },
  already_exists: { en: 'Already exists', ja: '既に存在します' },
  department_invalid: { en: 'Department invalid', ja: '部門が無効' },
  assignee_invalid: { en: 'Assignee invalid', ja: '問い合わせの担当者が無効' },
};

/** Ports of the message, input and logic blocks. */
export const PORT_LABELS = {
  next: { en: 'Next', ja: '次へ' },
  invalid: { en: 'Invalid answer', ja: '無効な回答' },
  else: { en: 'Otherwise', ja: 'それ以外' },
  target: { en: 'Target', ja: '移動先' },
  option: { en: 'Option', ja: '選択肢' },
  rule: { en: 'Rule', ja: 'ルール' },
  no_agent: { en: 'No agent', ja: '担当者不在' },
} as const satisfies Record<string, Label>;

/** Fields several block types share, so their words are the same everywhere. */
export const FIELD_LABELS = {
  name: { en: 'Name', ja: '名前' },
  text: { en: 'Text', ja: 'テキスト' },
  prompt: { en: 'Question', ja: '質問文' },
  save: { en: 'Save to variable', ja: '保存先の変数' },
  retries: { en: 'Re-prompts', ja: '再質問の回数' },
  label: { en: 'Label', ja: 'ラベル' },
  value: { en: 'Value', ja: '値' },
  email: { en: 'Email', ja: 'メール' },
  phone: { en: 'Phone', ja: '電話' },
  company: { en: 'Company', ja: '会社' },
  fields: { en: 'Extra fields', ja: '追加フィールド' },
  id: { en: 'ID', ja: 'ID' },
  number: { en: 'Number', ja: '番号' },
} as const satisfies Record<string, Label>;

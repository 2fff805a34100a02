import type { AskKind } from '../../../src/vocabulary/ask-kinds.ts';

export type InputKind = AskKind | 'choice';

/** How the text field presents itself for the kind of answer the bot waits for. */
export interface InputHint {
  readonly type: 'text' | 'email' | 'tel' | 'url' | 'date';
  readonly inputMode: 'text' | 'email' | 'tel' | 'url' | 'decimal';
  /** The `autocomplete` token, so phones offer what they know about the visitor. */
  readonly autocomplete: string;
}

const HINTS: Readonly<Record<InputKind, InputHint>> = {
  text: { type: 'text', inputMode: 'text', autocomplete: 'off' },
  name: { type: 'text', inputMode: 'text', autocomplete: 'name' },
  email: { type: 'email', inputMode: 'email', autocomplete: 'email' },
  phone: { type: 'tel', inputMode: 'tel', autocomplete: 'tel' },
  // Not type=number: it drops what the server accepts ("12,000", full-width digits) to an empty value.
  number: { type: 'text', inputMode: 'decimal', autocomplete: 'off' },
  // The picker gives YYYY-MM-DD whatever the locale, which the server reads as is.
  date: { type: 'date', inputMode: 'text', autocomplete: 'off' },
  url: { type: 'url', inputMode: 'url', autocomplete: 'url' },
  choice: { type: 'text', inputMode: 'text', autocomplete: 'off' },
};

export const inputHint = (kind: InputKind): InputHint => HINTS[kind];

import type { AskKind } from './ask-kinds.ts';

export interface ChoiceOption {
  readonly label: string;
  readonly value: string;
}

/** What the conversation waits for now. */
export type InputRequest =
  { readonly blockId: string; readonly kind: AskKind } | { readonly blockId: string; readonly kind: 'choice'; readonly options: readonly ChoiceOption[] };

export const ASK_KINDS = ['text', 'name', 'email', 'phone', 'number', 'date', 'url'] as const;
export type AskKind = (typeof ASK_KINDS)[number];

/** The widget's own words in English; `ja.ts` must have the same keys (checked by its type). */
export const en = {
  launcher: 'Open chat',
  title: 'Chat',
  close: 'Close chat',
  dismiss: 'Dismiss the greeting',
  agent: 'Staff',
  log: 'Conversation',
  you: 'You said:',
  bot: 'Bot said:',
  send: 'Send',
  answer: 'Your answer',
  options: 'Options',
  typing: 'Typing…',
  placeholder: {
    text: 'Type your message…',
    name: 'Your name',
    email: 'name@example.com',
    phone: 'Phone number, e.g. 090-1234-5678',
    number: 'A number, e.g. 12000',
    date: 'YYYY-MM-DD',
    url: 'https://example.com',
    choice: 'Pick an option, or type it',
    closed: 'The conversation has ended',
  },
  error: {
    connection: 'Connection lost, retrying…',
    send: 'Your message could not be sent. Check your connection and try again.',
    start: 'The chat could not start. Please try again later.',
    unavailable: 'This chat is not available.',
    rateLimited: 'Too many messages at once. Please wait a moment and try again.',
    expired: 'This conversation is no longer available.',
  },
  ended: 'The conversation has ended.',
  handoff: 'The conversation has been passed to our staff.',
  agentJoined: '{{name}} joined the chat.',
  agentLeft: '{{name}} left the chat.',
  agentTyping: '{{name}} is typing…',
  restart: 'Start a new conversation',
  retry: 'Try again',
} as const;

/** The shape every locale's table has: the same keys, any text. */
type Table<T> = { readonly [K in keyof T]: T[K] extends string ? string : Table<T[K]> };
export type Messages = Table<typeof en>;

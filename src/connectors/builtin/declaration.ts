import { defineProvider } from '../declaration.ts';
import { createBuiltinProvider } from './index.ts';

/** The built-in store: records in Renkei's own database; nothing to set, nothing secret. */
export const builtin = defineProvider({
  name: 'builtin',
  label: { en: 'the built-in store', ja: '内蔵ストア' },
  serves: {
    crm: { en: 'leads, contacts and deals in Renkei', ja: 'Renkei 内の見込み客、連絡先、商談' },
    helpdesk: { en: 'tickets in Renkei', ja: 'Renkei 内のチケット' },
    mailing: { en: 'list subscribers in Renkei', ja: 'Renkei 内のリスト購読者' },
  },
  roles: ['crm', 'helpdesk', 'mailing'],
  connection: { kind: 'none' },
  settings: {},
  secrets: {},
  hosts: () => ({}),
  where: () => undefined,
  offers: { helpdesk: ['department', 'assignee', 'status', 'priority', 'classification'], mailing: ['list'] },
  create: ({ store }) => createBuiltinProvider(store.db),
});

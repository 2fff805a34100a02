import { defineProvider, hostOf } from '../declaration.ts';
import { hubspotOAuthFlow } from './connect.ts';
import { HUBSPOT_API_ORIGIN, HUBSPOT_SECRETS, HUBSPOT_SETTINGS } from './fields.ts';
import { createHubSpotProvider, hubspotTokenKeys } from './provider.ts';
import { HUBSPOT_SCOPES } from './scopes.ts';

/**
 * The `hubspot` provider: HubSpot's CRM (contacts with lifecycle stage `lead`, contacts with their
 * company, deals), its help desk (tickets) and its lists (a static list's members), with an OAuth
 * refresh token of the admin's own HubSpot app.
 */
export const hubspot = defineProvider({
  name: 'hubspot',
  label: { en: 'HubSpot', ja: 'HubSpot' },
  serves: {
    crm: { en: 'HubSpot CRM (contacts as leads, contacts, deals)', ja: 'HubSpot CRM（リードのコンタクト、コンタクト、取引）' },
    helpdesk: { en: 'HubSpot help desk (tickets)', ja: 'HubSpot ヘルプデスク（チケット）' },
    mailing: { en: 'HubSpot lists (static list members)', ja: 'HubSpot リスト（静的リストのメンバー）' },
  },
  roles: ['crm', 'helpdesk', 'mailing'],
  connection: { kind: 'oauth2-code', scopes: HUBSPOT_SCOPES, flow: hubspotOAuthFlow },
  settings: HUBSPOT_SETTINGS,
  secrets: HUBSPOT_SECRETS,
  hosts: () => ({ apiUrl: [HUBSPOT_API_ORIGIN] }),
  // One API host for every account (HubSpot has no data centre to choose): the API URL's host.
  where: (settings) => hostOf(settings['apiUrl'] ?? HUBSPOT_API_ORIGIN),
  offers: { crm: ['stage'], helpdesk: ['department', 'assignee', 'status', 'priority', 'classification'], mailing: ['list'] },
  tokenKeys: hubspotTokenKeys,
  callTimeout: { env: 'RENKEI_HUBSPOT_TIMEOUT_MS', defaultMs: 10_000 },
  create: ({ tokens, timeoutMs, clock }) => createHubSpotProvider({ tokens, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(clock ? { clock } : {}) }),
});

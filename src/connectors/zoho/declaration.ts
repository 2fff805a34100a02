import { defineProvider } from '../declaration.ts';
import { CAMPAIGNS_DATA_CENTRES, DATA_CENTRES, officialOrigins, type DataCentre } from './data-centres.ts';
import { ZOHO_SECRETS, ZOHO_SETTINGS } from './fields.ts';
import { createZohoProvider, zohoTokenKeys } from './provider.ts';
import { zohoOAuthFlow } from './connect.ts';

/**
 * Scopes per role (docs/integrations.md, step 3): creates, the look-ups before a resend, and the
 * check's reads. COQL needs ZohoCRM.settings.fields.READ besides ZohoCRM.coql.READ (Zoho's COQL
 * page: "without this scope the system will throw an OAUTH_SCOPE_MISMATCH error"); it also
 * reads the Stage and Lead_Source picklists the builder offers.
 */
export const ZOHO_SCOPES = {
  crm: [
    'ZohoCRM.modules.leads.CREATE',
    'ZohoCRM.modules.leads.READ',
    'ZohoCRM.modules.contacts.CREATE',
    'ZohoCRM.modules.contacts.READ',
    'ZohoCRM.modules.accounts.CREATE',
    'ZohoCRM.modules.accounts.READ',
    'ZohoCRM.modules.deals.CREATE',
    'ZohoCRM.modules.deals.READ',
    'ZohoCRM.coql.READ',
    'ZohoCRM.settings.fields.READ',
    'ZohoCRM.settings.layouts.READ',
    'ZohoCRM.settings.pipeline.READ',
    'ZohoCRM.org.READ',
  ],
  helpdesk: [
    'Desk.tickets.CREATE',
    'Desk.tickets.READ',
    'Desk.contacts.CREATE',
    'Desk.contacts.READ',
    'Desk.search.READ',
    'Desk.basic.READ',
    'Desk.settings.READ',
  ],
  mailing: ['ZohoCampaigns.contact.UPDATE', 'ZohoCampaigns.contact.READ'],
} as const;

/**
 * The `zoho` provider: Zoho CRM (crm), Zoho Desk (helpdesk) and Zoho Campaigns (mailing), with an
 * OAuth refresh token of a Self Client, per data centre.
 */
export const zoho = defineProvider({
  name: 'zoho',
  label: { en: 'Zoho', ja: 'Zoho' },
  serves: {
    crm: { en: 'Zoho CRM (leads, contacts, deals)', ja: 'Zoho CRM（見込み客、連絡先、商談）' },
    helpdesk: { en: 'Zoho Desk (tickets)', ja: 'Zoho Desk（チケット）' },
    mailing: { en: 'Zoho Campaigns (list subscribers)', ja: 'Zoho Campaigns（リストの購読者）' },
  },
  roles: ['crm', 'helpdesk', 'mailing'],
  connection: { kind: 'oauth2-code', scopes: ZOHO_SCOPES, flow: zohoOAuthFlow },
  settings: ZOHO_SETTINGS,
  secrets: ZOHO_SECRETS,
  hosts: (settings) => {
    const dc = settings['dc'];
    return DATA_CENTRES.includes(dc as DataCentre) ? officialOrigins(dc as DataCentre) : { accountsUrl: [], apiUrl: [] };
  },
  // The data centre the account lives in (`eu`), as given to --dc.
  where: (settings) => settings['dc'],
  // Campaigns exists only in some data centres; an apiUrl (a fake, a proxy) stands in for it.
  unserved: (role, settings) =>
    role === 'mailing' &&
    settings['apiUrl'] === undefined &&
    DATA_CENTRES.includes(settings['dc'] as DataCentre) &&
    !CAMPAIGNS_DATA_CENTRES.includes(settings['dc'] as DataCentre)
      ? { key: 'dc', message: `is ${settings['dc']}, where Zoho does not offer Campaigns (it does in ${CAMPAIGNS_DATA_CENTRES.join(', ')})` }
      : undefined,
  offers: { crm: ['stage', 'source'], helpdesk: ['department', 'assignee', 'status', 'priority', 'classification'], mailing: ['list'] },
  tokenKeys: zohoTokenKeys,
  callTimeout: { env: 'RENKEI_ZOHO_TIMEOUT_MS', defaultMs: 10_000 },
  create: ({ tokens, timeoutMs, clock }) => createZohoProvider({ tokens, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(clock ? { clock } : {}) }),
});

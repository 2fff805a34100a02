import { defineProvider, hostOf } from '../declaration.ts';
import { salesforceOAuthFlow } from './connect.ts';
import { PRODUCTION_LOGIN, SALESFORCE_SECRETS, SALESFORCE_SETTINGS, SANDBOX_LOGIN } from './fields.ts';
import { createSalesforceProvider, salesforceTokenKeys } from './provider.ts';

/**
 * One grant serves every role: `api` (the REST API, with the connected user's object permissions)
 * and `refresh_token` (offline access). What each role may do is the user's profile, which
 * `integrations check` reads object by object.
 */
export const SALESFORCE_SCOPES = {
  crm: ['api', 'refresh_token'],
  helpdesk: ['api', 'refresh_token'],
  mailing: ['api', 'refresh_token'],
} as const;

/** The `salesforce` provider: Sales Cloud (crm, mailing: campaigns) and Service Cloud (helpdesk: cases). */
export const salesforce = defineProvider({
  name: 'salesforce',
  label: { en: 'Salesforce', ja: 'Salesforce' },
  serves: {
    crm: { en: 'Salesforce (leads, contacts, opportunities)', ja: 'Salesforce（リード、取引先責任者、商談）' },
    helpdesk: { en: 'Salesforce (cases)', ja: 'Salesforce（ケース）' },
    mailing: { en: 'Salesforce (campaign members)', ja: 'Salesforce（キャンペーンメンバー）' },
  },
  roles: ['crm', 'helpdesk', 'mailing'],
  connection: { kind: 'oauth2-code', scopes: SALESFORCE_SCOPES, flow: salesforceOAuthFlow },
  settings: SALESFORCE_SETTINGS,
  secrets: SALESFORCE_SECRETS,
  hosts: () => ({ loginUrl: [PRODUCTION_LOGIN, SANDBOX_LOGIN] }),
  // The login server (production, a sandbox, a My Domain); the org's instance is learnt from each
  // token answer and kept sealed with the session, so it is not shown here.
  where: (settings) => hostOf(settings['loginUrl'] ?? PRODUCTION_LOGIN),
  offers: { crm: ['stage', 'source'], helpdesk: ['department', 'assignee', 'status', 'priority', 'classification'], mailing: ['list'] },
  tokenKeys: salesforceTokenKeys,
  callTimeout: { env: 'RENKEI_SALESFORCE_TIMEOUT_MS', defaultMs: 10_000 },
  create: ({ tokens, timeoutMs, clock }) =>
    createSalesforceProvider({ tokens, ...(timeoutMs !== undefined ? { timeoutMs } : {}), ...(clock ? { clock } : {}) }),
});

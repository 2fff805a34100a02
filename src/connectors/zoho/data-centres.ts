import { z } from 'zod';

/** The `--dc` values `renkei integrations set … zoho` accepts (Zoho's own domain suffixes, plus `ca`). */
export const DATA_CENTRES = ['com', 'eu', 'in', 'com.au', 'jp', 'com.cn', 'sa', 'ca', 'uk'] as const;
export const dataCentre = z.enum(DATA_CENTRES);
export type DataCentre = z.infer<typeof dataCentre>;

export interface ZohoOrigins {
  /** OAuth token endpoint host (`/oauth/v2/token`). */
  readonly accounts: string;
  /** CRM `api_domain` (`/crm/v8/…`). */
  readonly crm: string;
  /** Desk (`/api/v1/…`). */
  readonly desk: string;
  /** Campaigns (`/api/v1.1/…`); undefined where Zoho does not offer Campaigns. */
  readonly campaigns: string | undefined;
}

/**
 * Hosts per data centre (zoho-api.md §1.1). Zoho's accounts Multi-DC page lists the accounts
 * servers, the UK's (`accounts.zoho.uk`) included; `www.zohoapis.uk` is what public clients use.
 * Unconfirmed by Zoho, kept because they follow the pattern or were reported by public clients:
 * Desk for jp, com.cn, ca, sa, uk. Canada breaks the pattern (`zohocloud.ca` for accounts and
 * Desk; `zohoapis.ca` for CRM). Campaigns is only where Zoho's Campaigns "Data Centers" page
 * lists it (com, eu, in, com.au, jp, com.cn): elsewhere a mailing integration is refused at
 * set-up rather than failing at the first subscription.
 */
const ORIGINS: Readonly<Record<DataCentre, ZohoOrigins>> = {
  com: standard('com'),
  eu: standard('eu'),
  in: standard('in'),
  'com.au': standard('com.au'),
  jp: standard('jp'),
  'com.cn': standard('com.cn'),
  sa: { ...standard('sa'), campaigns: undefined },
  ca: {
    accounts: 'https://accounts.zohocloud.ca',
    crm: 'https://www.zohoapis.ca',
    desk: 'https://desk.zohocloud.ca',
    campaigns: undefined,
  },
  uk: { ...standard('uk'), campaigns: undefined },
};

function standard(tld: string): ZohoOrigins {
  return {
    accounts: `https://accounts.zoho.${tld}`,
    crm: `https://www.zohoapis.${tld}`,
    desk: `https://desk.zoho.${tld}`,
    campaigns: `https://campaigns.zoho.${tld}`,
  };
}

/** The data centres where Zoho offers Campaigns. */
export const CAMPAIGNS_DATA_CENTRES: readonly DataCentre[] = DATA_CENTRES.filter((dc) => ORIGINS[dc].campaigns !== undefined);

export interface OriginOverrides {
  /** Replaces the accounts server. */
  readonly accountsUrl?: string | undefined;
  /** One origin for every API (CRM, Desk, Campaigns): how tests point the connectors at a fake. */
  readonly apiUrl?: string | undefined;
}

/** The origins to call for a data centre; overrides are origins (any path is dropped). */
export function zohoOrigins(dc: DataCentre, overrides: OriginOverrides = {}): ZohoOrigins {
  const base = ORIGINS[dc];
  const api = overrides.apiUrl ? toOrigin(overrides.apiUrl, 'apiUrl') : undefined;
  return {
    accounts: overrides.accountsUrl ? toOrigin(overrides.accountsUrl, 'accountsUrl') : base.accounts,
    crm: api ?? base.crm,
    desk: api ?? base.desk,
    campaigns: api ?? base.campaigns,
  };
}

/**
 * The origins an admin may give `accountsUrl` and `apiUrl` for a data centre: Zoho's own hosts
 * there, so stored credentials can only ever be sent to Zoho (issue 12). `apiUrl` replaces every
 * API origin, so any of the centre's API hosts is accepted for it.
 */
export function officialOrigins(dc: DataCentre): { readonly accountsUrl: readonly string[]; readonly apiUrl: readonly string[] } {
  const o = ORIGINS[dc];
  return { accountsUrl: [o.accounts], apiUrl: [o.crm, o.desk, ...(o.campaigns ? [o.campaigns] : [])] };
}

function toOrigin(url: string, name: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${name} is not a URL: ${url}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`${name} must be an http(s) URL: ${url}`);
  return parsed.origin;
}

import { z } from 'zod';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { SubscribeRequest } from '../../vocabulary/requests.ts';
import type { CallContext, MailingConnector } from '../../vocabulary/roles.ts';
import { CachedList } from '../remote/cached-list.ts';
import { ServiceRefusedError } from '../remote/errors.ts';
import type { Budget } from './http.ts';
import { splitPersonName } from '../remote/person-name.ts';
import { apiUrl, budgetFor, type ZohoService } from './service.ts';
import type { DirectoryTiming } from './desk-directory.ts';

const mailingList = z.looseObject({ listkey: z.string().min(1), listname: z.string() });
export type MailingList = z.infer<typeof mailingList>;

/** Campaigns codes (zoho-api.md §4.1/§4.2), read from the body of an HTTP 200. */
const ALREADY_SUBSCRIBED = '2003';
const RETRY_LATER = new Set(['2101', '2402']);
const NO_LISTS_YET = '2401';
/** "Listkey is empty or invalid." has been seen as 2501 and as 2102; 2002 is "list key invalid". */
const INVALID_LIST_KEY = new Set(['2501', '2102', '2002']);
/**
 * A list with double opt-in answers success with "A confirmation email is sent to the user. User
 * needs to confirm to successfully subscribe." (zoho-api.md §4.1): the visitor is not on the list
 * until they confirm. Zoho has no code for it, so the documented wording is what tells.
 */
const CONFIRMATION_SENT = /confirmation (e-?mail|mail) is sent|needs to confirm/i;
/** "Error in subscription, retry later" on one Zoho page, "bad JSON" on another: retryable by the runtime, not here. */
const MAYBE_TRANSIENT = '2001';
const LIST_PAGE = 100;
const MAX_LIST_PAGES = 20;

/**
 * Campaigns answers errors with HTTP 200 and `status: "error"`, and has been seen capitalising its
 * keys (`Code`), with `code` as a string or a number: read the envelope case-insensitively.
 */
export function campaignsStatus(body: unknown): { ok: boolean; code: string; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, code: '', message: 'unreadable answer' };
  const lower = new Map(Object.entries(body).map(([k, v]) => [k.toLowerCase(), v]));
  const status = lower.get('status');
  return {
    ok: typeof status === 'string' && status.toLowerCase() === 'success',
    code: errorCode(lower.get('code')) ?? '',
    message: errorMessage(lower.get('message')) ?? '',
  };
}

const retryLater = (body: unknown): string | undefined => {
  const s = campaignsStatus(body);
  return !s.ok && RETRY_LATER.has(s.code) ? `Zoho Campaigns asked to retry later (${s.code}: ${s.message})` : undefined;
};

/** The mailing lists of the account, for resolving a list name to its list key. */
export function campaignsLists(campaigns: ZohoService, timing: DirectoryTiming): CachedList<MailingList> {
  return new CachedList((budget) => fetchLists(campaigns, budget), timing);
}

async function fetchLists(campaigns: ZohoService, budget: Budget): Promise<MailingList[]> {
  const lists: MailingList[] = [];
  for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
    const url = apiUrl(campaigns.origin, '/api/v1.1/getmailinglists', {
      resfmt: 'JSON',
      sort: 'asc',
      fromindex: String(page * LIST_PAGE + 1),
      range: String(LIST_PAGE),
    });
    const res = await campaigns.api.send({ method: 'GET', url, retryLater }, budget);
    const status = campaignsStatus(res.body);
    if (!status.ok && status.code === NO_LISTS_YET) break;
    const parsed = z.looseObject({ list_of_details: z.array(mailingList).default([]) }).safeParse(res.body);
    if (res.status >= 300 || !status.ok || !parsed.success) {
      throw new ServiceRefusedError(`Zoho Campaigns could not list the mailing lists (${status.code || `HTTP ${res.status}`}: ${status.message})`);
    }
    lists.push(...parsed.data.list_of_details);
    if (parsed.data.list_of_details.length < LIST_PAGE) break;
  }
  return lists;
}

/**
 * Zoho Campaigns list subscriptions. listsubscribe is safe to repeat (an existing contact is
 * updated, or answered 2003), so no lookup guards it. The `status` output is `subscribed`, or
 * `pending_confirmation` on a double opt-in list until the visitor confirms Zoho's mail.
 */
export function createZohoCampaigns(campaigns: ZohoService, lists: CachedList<MailingList>): MailingConnector {
  return {
    async subscribe(req: SubscribeRequest, ctx: CallContext): Promise<Outcome> {
      const email = req.email.trim();
      if (email === '') return failure("Zoho Campaigns needs the visitor's email to subscribe them, and it is empty");
      const ref = req.list.trim();
      if (ref === '') return failure('the block names no mailing list');
      const budget = budgetFor(campaigns, ctx);
      const list = await lists.find((l) => l.listkey === ref || l.listname.trim().toLowerCase() === ref.toLowerCase(), budget);
      if (!list) return failure(`Zoho Campaigns has no mailing list named "${ref}"`);

      const { lastName, firstName } = splitPersonName(req.name, ctx.locale);
      const contactinfo = {
        'Contact Email': email,
        ...(firstName ? { 'First Name': firstName } : {}),
        ...(lastName ? { 'Last Name': lastName } : {}),
        ...(req.phone.trim() ? { Phone: req.phone.trim() } : {}),
      };
      const form = new URLSearchParams({ resfmt: 'JSON', listkey: list.listkey, contactinfo: JSON.stringify(contactinfo) });
      const res = await campaigns.api.send({ method: 'POST', url: apiUrl(campaigns.origin, '/api/v1.1/json/listsubscribe'), form, retryLater }, budget);
      const status = campaignsStatus(res.body);
      if (status.code === ALREADY_SUBSCRIBED) return success({ status: 'subscribed' });
      if (res.status < 300 && status.ok) {
        return success({ status: CONFIRMATION_SENT.test(status.message) ? 'pending_confirmation' : 'subscribed' });
      }
      if (INVALID_LIST_KEY.has(status.code)) lists.forget();
      const said = `${status.message || 'unreadable answer'} (${status.code || `HTTP ${res.status}`})`;
      return failure(`Zoho Campaigns refused the subscription to "${list.listname}": ${said}`, status.code === MAYBE_TRANSIENT);
    },
  };
}

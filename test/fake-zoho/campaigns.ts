import { EMAIL_RE, formParams, isPlainObject, json } from './http.ts';
import type { ApiRequest, Reply, Route, Service } from './http.ts';
import type { CampaignSubscriber, FakeData } from './state.ts';

/**
 * Zoho Campaigns v1.1 (zoho-api.md §4): listsubscribe and getmailinglists. Its own errors come as
 * HTTP 200 with `status: "error"`; only transport-level ones (auth, URL, faults) use HTTP statuses, in
 * the envelope observed for 1007.
 */

/** Zoho's documented answer for a list with double opt-in (zoho-api.md §4.1). */
const CONFIRMATION_SENT = 'A confirmation email is sent to the user. User needs to confirm to successfully subscribe.';
/** A list without double opt-in adds the contact at once; Zoho's wording for it is unconfirmed. */
const SUBSCRIBED = 'User successfully subscribed.';
/** Group/role addresses Campaigns refuses with 2005 (the exact list is Zoho's; these are the usual ones). */
const ROLE_LOCAL_PARTS = new Set(['abuse', 'admin', 'administrator', 'hostmaster', 'noreply', 'no-reply', 'postmaster', 'root', 'webmaster']);

/** An application error: HTTP 200, body says error. */
const appError = (req: ApiRequest, code: string, message: string): Reply => json(200, { status: 'error', code, message, uri: req.path });

/** A transport-level error in the envelope Zoho was seen sending for 1007. */
const httpError = (req: ApiRequest, status: number, code: string, message: string): Reply =>
  json(status, { message, version: '1.1', URI: req.path, Code: code, status: 'error' });

export function campaignsService(data: FakeData): Service {
  /** Every call needs resfmt=JSON; without it the fake answers the "mandatory parameter missing" code. */
  const requireJson = (fn: (req: ApiRequest, params: URLSearchParams) => Reply) => (req: ApiRequest) => {
    const params = formParams(req);
    if (params.get('resfmt')?.toUpperCase() !== 'JSON') return appError(req, '903', 'Mandatory parameter resfmt is missing or is not JSON.');
    return fn(req, params);
  };

  function listSubscribe(req: ApiRequest, params: URLSearchParams): Reply {
    const listkey = params.get('listkey') ?? '';
    const list = data.campaigns.lists.find((l) => l.listkey === listkey);
    // Zoho words both codes "Listkey is empty or invalid."; public clients have seen 2501 and 2102.
    // Which one listsubscribe gives when is unconfirmed: the fake sends 2501 for an empty key and
    // 2102 for one it does not know (a list deleted since it was looked up).
    if (!list) return appError(req, listkey === '' ? '2501' : '2102', 'Listkey is empty or invalid.');
    const raw = params.get('contactinfo');
    if (raw === null || raw.trim() === '') return appError(req, '903', 'Mandatory parameter contactinfo is missing.');
    let info: unknown;
    try {
      info = JSON.parse(raw);
    } catch {
      info = undefined;
    }
    if (!isPlainObject(info)) return appError(req, '2001', 'Invalid JSON format of contactinfo.');
    const fields: Record<string, string> = {};
    for (const [label, value] of Object.entries(info)) {
      if (value !== null && value !== undefined) fields[label] = String(value);
    }
    const email = fields['Contact Email']?.trim() ?? '';
    if (!EMAIL_RE.test(email)) return appError(req, '2004', 'Contact email is invalid.');
    if (ROLE_LOCAL_PARTS.has(email.split('@')[0]?.toLowerCase() ?? '')) {
      return appError(req, '2005', 'Group or role based email addresses cannot be added.');
    }
    const { 'Contact Email': _email, 'First Name': firstName, 'Last Name': lastName, Phone: phone, ...rest } = fields;
    const existing = data.campaigns.subscribers.find((s) => s.listkey === listkey && s.email.toLowerCase() === email.toLowerCase());
    // A repeat call updates the contact's fields: the same success, never a second subscriber.
    const target: CampaignSubscriber = existing ?? { listkey, email, status: list.doubleOptIn ? 'pending' : 'subscribed' };
    if (firstName !== undefined) target.firstName = firstName;
    if (lastName !== undefined) target.lastName = lastName;
    if (phone !== undefined) target.phone = phone;
    if (Object.keys(rest).length > 0) target.fields = { ...target.fields, ...rest };
    if (!existing) data.campaigns.subscribers.push(target);
    return {
      status: 200,
      body: {
        message: target.status === 'pending' ? CONFIRMATION_SENT : SUBSCRIBED,
        status: 'success',
        code: '0',
        uri: '/api/v1.1/json/listsubscribe',
        version: '1.1',
      },
      committed: true,
    };
  }

  function mailingLists(req: ApiRequest, params: URLSearchParams): Reply {
    const sort = params.get('sort') ?? 'asc';
    const fromIndex = Number(params.get('fromindex') ?? 1);
    const range = Number(params.get('range') ?? 20);
    if (!['asc', 'desc'].includes(sort) || !Number.isInteger(fromIndex) || fromIndex < 1 || !Number.isInteger(range) || range < 1) {
      return appError(req, '2001', 'Invalid value for sort, fromindex or range.');
    }
    if (data.campaigns.lists.length === 0) return appError(req, '2401', 'No list has been created yet.');
    const ordered = [...data.campaigns.lists].sort((a, b) => (a.createdTime - b.createdTime) * (sort === 'desc' ? -1 : 1));
    const slice = ordered.slice(fromIndex - 1, fromIndex - 1 + range);
    return json(200, {
      status: 'success',
      code: '0',
      sort: sort === 'desc' ? 'Descending Order' : 'Ascending Order',
      fromindex: String(fromIndex),
      range: String(range),
      list_of_details: slice.map((l) => ({
        listkey: l.listkey,
        listname: l.listname,
        noofcontacts: String(data.campaigns.subscribers.filter((s) => s.listkey === l.listkey).length),
        is_public: 'false',
        lockstatus: 'unlocked',
        owner: 'Fake Owner',
        created_date: String(l.createdTime),
        noofbouncecnt: '0',
        noofunsubcnt: '0',
        zuid: '229788',
      })),
      uri: '/api/v1.1/getmailinglists',
      version: '1.1',
    });
  }

  const routes: Route[] = [
    {
      method: 'POST',
      pattern: /^\/api\/v1\.1\/json\/listsubscribe$/,
      scopes: () => ['ZohoCampaigns.contact.UPDATE'],
      handle: requireJson(listSubscribe),
    },
    { method: 'GET', pattern: /^\/api\/v1\.1\/getmailinglists$/, scopes: () => ['ZohoCampaigns.contact.READ'], handle: requireJson(mailingLists) },
  ];

  return {
    prefix: '/api/v1.1/',
    routes,
    error(status, req) {
      if (status === 401) return httpError(req, 401, '1007', 'Unauthorized request.');
      if (status === 404 || status === 405) return httpError(req, status, '1004', 'The URL is wrong.');
      if (status === 429) return httpError(req, 429, '2101', 'Too many requests. Please try again later.');
      return httpError(req, status, String(status), status >= 500 ? 'Internal server error. Please try again later.' : 'The request is not valid.');
    },
    unauthorized(req) {
      return httpError(req, 401, '1007', 'Unauthorized request.');
    },
  };
}

import { z } from 'zod';
import { deskTime, EMAIL_RE, json, parseJson } from './http.ts';
import type { ApiRequest, Reply, Route, Service } from './http.ts';
import type { DeskContact, DeskTicket, FakeData } from './state.ts';

/** Zoho Desk v1 (zoho-api.md §3): organizations, departments, agents, tickets (create, search), contacts search. */

type FieldError = { fieldName: string; errorType: 'invalid' | 'missing' | 'duplicate'; errorMessage: string };

const deskError = (status: number, errorCode: string, message: string): Reply => json(status, { errorCode, message });

const invalidData = (errors: FieldError[]): Reply =>
  json(422, { errorCode: 'INVALID_DATA', message: 'The data does not comply to the validation restrictions defined.', errors });

const invalidParam = (fieldName: string) => invalidData([{ fieldName, errorType: 'invalid', errorMessage: '' }]);

/** Desk's strict query check: any parameter the endpoint does not define is refused. */
function extraParam(q: URLSearchParams, allowed: readonly string[], pattern?: RegExp): Reply | null {
  for (const key of q.keys()) {
    if (key === 'orgId' || allowed.includes(key) || pattern?.test(key)) continue;
    return deskError(422, 'UNPROCESSABLE_ENTITY', `Extra query parameter '${key}' is present in the input`);
  }
  return null;
}

function intParam(q: URLSearchParams, name: string, min: number, max: number, fallback: number): number | Reply {
  const raw = q.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  return /^\d+$/.test(raw) && n >= min && n <= max ? n : invalidParam(name);
}

function boolParam(q: URLSearchParams, name: string): boolean | null | Reply {
  const raw = q.get(name);
  if (raw === null) return null;
  if (raw !== 'true' && raw !== 'false') return invalidParam(name);
  return raw === 'true';
}

const isReply = (v: unknown): v is Reply => typeof v === 'object' && v !== null && 'status' in v;

/** `*` wildcards; without one, the value must equal (case-insensitively). */
function globMatch(pattern: string, value: string | null | undefined, containsWithoutWildcard = false): boolean {
  if (value === null || value === undefined) return pattern === '${empty}';
  if (pattern === '${empty}') return value === '';
  if (pattern === '${notempty}') return value !== '';
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  if (!p.includes('*')) return containsWithoutWildcard ? v.includes(p) : v === p;
  const re = new RegExp(
    `^${p
      .split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return re.test(v);
}

function page<T>(items: T[], q: URLSearchParams, maxLimit: number, fromMax = Number.MAX_SAFE_INTEGER): Reply | T[] {
  const limit = intParam(q, 'limit', 1, maxLimit, 10);
  if (isReply(limit)) return limit;
  const from = intParam(q, 'from', 0, fromMax, 0);
  if (isReply(from)) return from;
  return items.slice(from, from + limit);
}

// A status's type; a status a portal added is of type Open (unconfirmed, zoho-api.md §3.1).
const STATUS_TYPES: Record<string, string> = { Open: 'Open', 'On Hold': 'On Hold', Escalated: 'Open', Closed: 'Closed' };
const CHANNELS = ['Email', 'Phone', 'Web', 'Chat', 'Forums', 'Twitter', 'Facebook', 'Feedback Widget', 'Customer Portal'];

const deskId = z.string().regex(/^\d+$/);
const text = (max: number) => z.string().max(max).nullish();
const email = (max: number) => z.string().max(max).regex(EMAIL_RE);

/** The create-ticket body, after Desk's OpenAPI schema: unknown keys are refused, like the real one. */
const ticketInput = z.strictObject({
  subject: z.string().trim().min(1).max(255),
  departmentId: deskId,
  contactId: deskId.nullish(),
  contact: z.strictObject({ lastName: z.string().trim().min(1).max(80), firstName: text(40), email: email(100) }).nullish(),
  description: text(65_535),
  status: text(120),
  priority: text(120),
  classification: text(100),
  channel: text(120),
  assigneeId: deskId.nullish(),
  teamId: deskId.nullish(),
  email: email(150).nullish(),
  phone: text(120),
  category: text(120),
  subCategory: text(120),
  dueDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    .nullish(),
  language: text(100),
  productId: deskId.nullish(),
  accountId: deskId.nullish(),
  cf: z.record(z.string().regex(/^cf_/), z.string().nullable()).nullish(),
  secondaryContacts: z.array(deskId).nullish(),
  resolution: text(65_535),
});

function schemaErrors(issues: z.ZodError['issues']): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const pointer = '/' + issue.path.map(String).join('/');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        errors.push({ fieldName: `${pointer === '/' ? '' : pointer}/${key}`, errorType: 'invalid', errorMessage: 'Extra key is present in the input' });
      }
    } else {
      // With `reportInput`, only an absent key comes without an input value.
      const missing = issue.code === 'invalid_type' && issue.input === undefined;
      errors.push({ fieldName: pointer, errorType: missing ? 'missing' : 'invalid', errorMessage: '' });
    }
  }
  return errors;
}

export function deskService(data: FakeData, orgId: string, baseUrl: () => string): Service {
  const withOrg = (fn: (req: ApiRequest) => Reply) => (req: ApiRequest) => {
    const header = req.headers['orgid'];
    const given = (Array.isArray(header) ? header[0] : header) || req.query.get('orgId');
    // Choices (unconfirmed in zoho-api.md): missing → 400 BAD_REQUEST, another org → 401 OAUTH_ORG_MISMATCH.
    if (!given) return deskError(400, 'BAD_REQUEST', 'The orgId is missing: send it as the orgId header or query parameter.');
    if (given !== orgId) return deskError(401, 'OAUTH_ORG_MISMATCH', 'The OAuth Token does not belong to the specified organization.');
    return fn(req);
  };

  function organizations(req: ApiRequest): Reply {
    const extra = extraParam(req.query, []);
    if (extra) return extra;
    return json(200, {
      data: [
        { id: orgId, companyName: 'Fake Zoho KK', portalName: 'fake', portalURL: `${baseUrl()}/support/fake`, isAdminInOrg: true, isDefault: true },
        ...data.desk.otherOrganizations.map((o) => ({
          ...o,
          portalName: o.id,
          portalURL: `${baseUrl()}/support/${o.id}`,
          isAdminInOrg: true,
          isDefault: false,
        })),
      ],
    });
  }

  function departments(req: ApiRequest): Reply {
    const q = req.query;
    const extra = extraParam(q, ['isEnabled', 'limit', 'from', 'searchStr', 'chatStatus']);
    if (extra) return extra;
    const enabled = boolParam(q, 'isEnabled');
    if (isReply(enabled)) return enabled;
    const search = q.get('searchStr');
    const hits = data.desk.departments.filter((d) => (enabled === null || d.isEnabled === enabled) && (!search || globMatch(search, d.name, true)));
    const slice = page(hits, q, 200);
    if (isReply(slice)) return slice;
    return slice.length === 0 ? { status: 204 } : json(200, { data: structuredClone(slice) });
  }

  function agents(req: ApiRequest): Reply {
    const q = req.query;
    const extra = extraParam(q, ['status', 'limit', 'from', 'departmentIds', 'searchStr', 'fieldName', 'isConfirmed', 'isLightAgent']);
    if (extra) return extra;
    const status = q.get('status');
    if (status !== null && status !== 'ACTIVE' && status !== 'DISABLED') return invalidParam('status');
    const fieldName = q.get('fieldName');
    if (fieldName !== null && !['firstName', 'lastName', 'name', 'emailId'].includes(fieldName)) return invalidParam('fieldName');
    const confirmed = boolParam(q, 'isConfirmed');
    if (isReply(confirmed)) return confirmed;
    const light = boolParam(q, 'isLightAgent');
    if (isReply(light)) return light;
    const deptIds = q.get('departmentIds')?.split(',').filter(Boolean);
    const search = q.get('searchStr');
    const hits = data.desk.agents.filter((a) => {
      if (status !== null && a.status !== status) return false;
      if (confirmed !== null && a.isConfirmed !== confirmed) return false;
      if (light === true) return false;
      if (deptIds && !deptIds.some((id) => a.associatedDepartmentIds.includes(id))) return false;
      if (!search) return true;
      const fields = fieldName ? [a[fieldName as 'name']] : [a.name, a.emailId, a.firstName, a.lastName];
      return fields.some((v) => globMatch(search, v, true));
    });
    const slice = page(hits, q, 200);
    if (isReply(slice)) return slice;
    return slice.length === 0 ? { status: 204 } : json(200, { data: structuredClone(slice) });
  }

  function createTicket(req: ApiRequest): Reply {
    const extra = extraParam(req.query, []);
    if (extra) return extra;
    const parsed = parseJson(req.rawBody);
    if (!parsed.ok) {
      return parsed.empty ? deskError(422, 'EMPTY_PAYLOAD', 'The payload is empty.') : deskError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
    }
    const checked = ticketInput.safeParse(parsed.value, { reportInput: true });
    if (!checked.success) return invalidData(schemaErrors(checked.error.issues));
    const t = checked.data;
    const errors: FieldError[] = [];
    const invalid = (fieldName: string) => errors.push({ fieldName, errorType: 'invalid', errorMessage: '' });
    const dept = data.desk.departments.find((d) => d.id === t.departmentId);
    if (!dept || !dept.isEnabled) invalid('/departmentId');
    if (t.assigneeId) {
      const agent = data.desk.agents.find((a) => a.id === t.assigneeId);
      // An agent outside the ticket's department is refused too (unconfirmed; zoho-api.md §3.2 advises checking it).
      if (!agent || agent.status !== 'ACTIVE' || (dept && !agent.associatedDepartmentIds.includes(dept.id))) invalid('/assigneeId');
    }
    if (t.contactId && !data.desk.contacts.some((c) => c.id === t.contactId)) invalid('/contactId');
    if (!t.contactId && !t.contact) errors.push({ fieldName: '/contactId', errorType: 'missing', errorMessage: '' });
    const picklists: Record<string, readonly string[]> = { ...data.deskPicklists, channel: CHANNELS };
    for (const [field, values] of Object.entries(picklists)) {
      const v = t[field as keyof typeof t];
      if (typeof v === 'string' && !values.includes(v)) invalid(`/${field}`);
    }
    if (errors.length > 0) return invalidData(errors);

    const now = deskTime(Date.now());
    let contact = t.contactId ? data.desk.contacts.find((c) => c.id === t.contactId) : undefined;
    if (!contact && t.contact) {
      const wanted = t.contact.email.toLowerCase();
      contact = data.desk.contacts.find((c) => c.email?.toLowerCase() === wanted);
      if (!contact) {
        const created: DeskContact = {
          id: data.deskId(),
          firstName: t.contact.firstName ?? null,
          lastName: t.contact.lastName,
          email: t.contact.email,
          phone: null,
          createdTime: now,
        };
        data.desk.contacts.push(created);
        contact = created;
      }
    }
    if (!contact) throw new Error('unreachable: a contact was validated above');
    const id = data.deskId();
    const status = t.status ?? 'Open';
    const ticket: DeskTicket = {
      id,
      ticketNumber: data.ticketNumber(),
      subject: t.subject,
      departmentId: t.departmentId,
      contactId: contact.id,
      status,
      statusType: STATUS_TYPES[status] ?? 'Open',
      priority: t.priority ?? null,
      classification: t.classification ?? null,
      channel: t.channel ?? null,
      assigneeId: t.assigneeId ?? null,
      email: t.email ?? contact.email,
      phone: t.phone ?? null,
      description: t.description ?? null,
      dueDate: t.dueDate ?? null,
      responseDueDate: null,
      closedTime: null,
      isDeleted: false,
      createdTime: now,
      modifiedTime: now,
      webUrl: `${baseUrl()}/support/fake/ShowHomePage.do#Cases/dv/${id}`,
      cf: { ...t.cf },
      customFields: { ...t.cf },
      teamId: t.teamId ?? null,
      category: t.category ?? null,
      subCategory: t.subCategory ?? null,
      language: t.language ?? null,
      productId: t.productId ?? null,
      accountId: t.accountId ?? null,
    };
    data.desk.tickets.push(ticket);
    return { status: 200, body: structuredClone(ticket), committed: true };
  }

  function timeRange(raw: string | null): { from: number; to: number } | null | 'invalid' {
    if (raw === null) return null;
    const [a = '', b = ''] = raw.split(',');
    const from = Date.parse(a);
    const to = Date.parse(b);
    return Number.isNaN(from) || Number.isNaN(to) ? 'invalid' : { from, to };
  }

  function searchTickets(req: ApiRequest): Reply {
    const q = req.query;
    const allowed = [
      'email',
      'phone',
      'ticketNumber',
      'id',
      'contactId',
      'departmentId',
      'assigneeId',
      'status',
      'priority',
      'subject',
      '_all',
      'createdTimeRange',
      'modifiedTimeRange',
      'limit',
      'from',
      'sortBy',
    ];
    const extra = extraParam(q, allowed, /^customField\d+$/);
    if (extra) return extra;
    const subject = q.get('subject');
    if (subject !== null && subject.replace(/\*/g, '').length < 3) return invalidParam('subject');
    const created = timeRange(q.get('createdTimeRange'));
    if (created === 'invalid') return invalidParam('createdTimeRange');
    const modified = timeRange(q.get('modifiedTimeRange'));
    if (modified === 'invalid') return invalidParam('modifiedTimeRange');
    const sortBy = q.get('sortBy');
    if (sortBy !== null && !/^-?(createdTime|modifiedTime|relevance)$/.test(sortBy)) return invalidParam('sortBy');
    const custom: [string, string][] = [];
    for (const [key, value] of q) {
      if (!/^customField\d+$/.test(key)) continue;
      const colon = value.indexOf(':');
      if (colon <= 0) return invalidParam(key);
      custom.push([value.slice(0, colon), value.slice(colon + 1)]);
    }
    const exact = ['ticketNumber', 'id', 'contactId', 'departmentId', 'assigneeId', 'status', 'priority'] as const;
    const inRange = (r: { from: number; to: number } | null, iso: string) => !r || (Date.parse(iso) >= r.from && Date.parse(iso) <= r.to);
    const all = q.get('_all')?.toLowerCase();
    let hits = data.desk.tickets.filter((t) => {
      const contact = data.desk.contacts.find((c) => c.id === t.contactId);
      const email = q.get('email');
      if (email !== null && !globMatch(email, t.email) && !globMatch(email, contact?.email)) return false;
      const phone = q.get('phone');
      if (phone !== null && !globMatch(phone, t.phone)) return false;
      if (subject !== null && !globMatch(subject, t.subject, true)) return false;
      if (exact.some((k) => q.get(k) !== null && t[k] !== q.get(k))) return false;
      if (!inRange(created, t.createdTime) || !inRange(modified, t.modifiedTime)) return false;
      if (custom.some(([name, value]) => t.cf[name] !== value)) return false;
      if (all && !Object.values(t).some((v) => typeof v === 'string' && v.toLowerCase().includes(all))) return false;
      return true;
    });
    const key = sortBy?.replace('-', '') === 'modifiedTime' ? 'modifiedTime' : 'createdTime';
    const ascending = sortBy !== null && !sortBy.startsWith('-') && sortBy !== 'relevance';
    hits = [...hits].sort((a, b) => (ascending ? 1 : -1) * (Date.parse(a[key]) - Date.parse(b[key]) || Number(a.ticketNumber) - Number(b.ticketNumber)));
    const slice = page(hits, q, 100, 999);
    if (isReply(slice)) return slice;
    return slice.length === 0 ? { status: 204 } : json(200, { data: structuredClone(slice), count: hits.length });
  }

  function searchContacts(req: ApiRequest): Reply {
    const q = req.query;
    const extra = extraParam(q, ['email', 'phone', 'firstName', 'lastName', 'fullName', '_all', 'limit', 'from', 'sortBy']);
    if (extra) return extra;
    const hits = data.desk.contacts.filter((c) => {
      const checks: [string, string | null][] = [
        ['email', c.email],
        ['phone', c.phone],
        ['firstName', c.firstName],
        ['lastName', c.lastName],
        ['fullName', [c.firstName, c.lastName].filter(Boolean).join(' ')],
      ];
      if (checks.some(([param, value]) => q.get(param) !== null && !globMatch(q.get(param) ?? '', value))) return false;
      const all = q.get('_all')?.toLowerCase();
      return !all || Object.values(c).some((v) => typeof v === 'string' && v.toLowerCase().includes(all));
    });
    const slice = page(hits, q, 100, 999);
    if (isReply(slice)) return slice;
    return slice.length === 0 ? { status: 204 } : json(200, { data: structuredClone(slice), count: hits.length });
  }

  /**
   * POST /api/v1/contacts (Desk's OpenAPI, Contact.json): lastName is the only required field.
   * Unlike a ticket's inline `contact`, a contact made here needs no email, so a visitor who gave
   * only a phone can still be a ticket's contact (by `contactId`).
   */
  const contactInput = z.strictObject({
    lastName: z.string().trim().min(1).max(80),
    firstName: text(40),
    email: email(100).nullish(),
    phone: text(120),
    mobile: text(120),
    description: text(65_535),
    accountId: deskId.nullish(),
    cf: z.record(z.string().regex(/^cf_/), z.string().nullable()).nullish(),
  });

  function createContact(req: ApiRequest): Reply {
    const extra = extraParam(req.query, []);
    if (extra) return extra;
    const parsed = parseJson(req.rawBody);
    if (!parsed.ok) {
      return parsed.empty ? deskError(422, 'EMPTY_PAYLOAD', 'The payload is empty.') : deskError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');
    }
    const checked = contactInput.safeParse(parsed.value, { reportInput: true });
    if (!checked.success) return invalidData(schemaErrors(checked.error.issues));
    const c = checked.data;
    // Desk refuses a second contact with the same email (unconfirmed wording; the field is unique).
    if (c.email && data.desk.contacts.some((x) => x.email?.toLowerCase() === c.email?.toLowerCase())) {
      return invalidData([{ fieldName: '/email', errorType: 'duplicate', errorMessage: '' }]);
    }
    const created: DeskContact = {
      id: data.deskId(),
      firstName: c.firstName ?? null,
      lastName: c.lastName,
      email: c.email ?? null,
      phone: c.phone ?? null,
      createdTime: deskTime(Date.now()),
    };
    data.desk.contacts.push(created);
    return { status: 200, body: structuredClone(created), committed: true };
  }

  /**
   * GET /api/v1/organizationFields?module=tickets: the ticket layout's fields, the picklists with
   * their `allowedValues` (Desk's "Organization Fields" API; the shape of each entry beyond
   * apiName, displayLabel, type and allowedValues[].value, and that Desk.settings.READ is the
   * scope it needs, are unconfirmed).
   */
  function organizationFields(req: ApiRequest): Reply {
    const extra = extraParam(req.query, ['module']);
    if (extra) return extra;
    const module = req.query.get('module');
    if (module === null) return invalidData([{ fieldName: 'module', errorType: 'missing', errorMessage: '' }]);
    if (module !== 'tickets') return invalidParam('module');
    const picklist = (apiName: string, displayLabel: string, values: readonly string[]) => ({
      id: data.deskId(),
      apiName,
      displayLabel,
      type: 'Picklist',
      isCustomField: false,
      isMandatory: apiName === 'status',
      allowedValues: values.map((value) => ({ value, ...(apiName === 'status' ? { statusType: STATUS_TYPES[value] ?? 'Open' } : {}) })),
    });
    const text = (apiName: string, displayLabel: string) => ({
      id: data.deskId(),
      apiName,
      displayLabel,
      type: 'Text',
      isCustomField: false,
      isMandatory: apiName === 'subject',
    });
    return json(200, {
      data: [
        text('subject', 'Subject'),
        picklist('status', 'Status', data.deskPicklists.status),
        picklist('priority', 'Priority', data.deskPicklists.priority),
        picklist('classification', 'Classification', data.deskPicklists.classification),
        picklist('channel', 'Channel', CHANNELS),
        text('email', 'Email'),
        text('phone', 'Phone'),
      ],
    });
  }

  /** GET /api/v1/tickets and /api/v1/contacts: the lists, newest first, paged (filters beyond these unimplemented). */
  function listTickets(req: ApiRequest): Reply {
    const extra = extraParam(req.query, ['limit', 'from', 'sortBy', 'departmentId', 'include', 'viewId', 'fields']);
    if (extra) return extra;
    const dept = req.query.get('departmentId');
    const all = data.desk.tickets.filter((t) => dept === null || t.departmentId === dept).reverse();
    const slice = page(all, req.query, 100);
    if (isReply(slice)) return slice;
    // Desk answers an empty list with 204 (zoho-api.md §3).
    return slice.length === 0 ? { status: 204 } : json(200, { data: structuredClone(slice) });
  }

  function listContacts(req: ApiRequest): Reply {
    const extra = extraParam(req.query, ['limit', 'from', 'sortBy', 'include', 'viewId', 'fields']);
    if (extra) return extra;
    const slice = page([...data.desk.contacts].reverse(), req.query, 100);
    if (isReply(slice)) return slice;
    // Desk answers an empty list with 204 (zoho-api.md §3).
    return slice.length === 0 ? { status: 204 } : json(200, { data: structuredClone(slice) });
  }

  const basicRead = ['Desk.basic.READ|Desk.settings.READ'];
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/api\/v1\/organizations$/, scopes: () => ['Desk.basic.READ'], handle: organizations },
    { method: 'GET', pattern: /^\/api\/v1\/departments$/, scopes: () => basicRead, handle: withOrg(departments) },
    { method: 'GET', pattern: /^\/api\/v1\/agents$/, scopes: () => basicRead, handle: withOrg(agents) },
    { method: 'GET', pattern: /^\/api\/v1\/organizationFields$/, scopes: () => ['Desk.settings.READ'], handle: withOrg(organizationFields) },
    { method: 'GET', pattern: /^\/api\/v1\/tickets\/search$/, scopes: () => ['Desk.tickets.READ', 'Desk.search.READ'], handle: withOrg(searchTickets) },
    { method: 'POST', pattern: /^\/api\/v1\/tickets$/, scopes: () => ['Desk.tickets.CREATE'], handle: withOrg(createTicket) },
    { method: 'GET', pattern: /^\/api\/v1\/tickets$/, scopes: () => ['Desk.tickets.READ'], handle: withOrg(listTickets) },
    { method: 'GET', pattern: /^\/api\/v1\/contacts$/, scopes: () => ['Desk.contacts.READ'], handle: withOrg(listContacts) },
    { method: 'POST', pattern: /^\/api\/v1\/contacts$/, scopes: () => ['Desk.contacts.CREATE'], handle: withOrg(createContact) },
    { method: 'GET', pattern: /^\/api\/v1\/contacts\/search$/, scopes: () => ['Desk.contacts.READ', 'Desk.search.READ'], handle: withOrg(searchContacts) },
  ];

  return {
    prefix: '/api/v1/',
    routes,
    error(status) {
      if (status === 400) return deskError(400, 'BAD_REQUEST', 'The request is not valid.');
      if (status === 401) return deskError(401, 'INVALID_OAUTH', 'The OAuth Token you provided is invalid.');
      if (status === 403) return deskError(403, 'FORBIDDEN', 'You do not have sufficient permission to perform this operation.');
      if (status === 404) return deskError(404, 'URL_NOT_FOUND', 'The URL you requested could not be found.');
      if (status === 405) return deskError(405, 'METHOD_NOT_ALLOWED', 'The requested method is not allowed for the URL.');
      if (status === 422) return deskError(422, 'UNPROCESSABLE_ENTITY', 'The request cannot be processed.');
      if (status === 429) return deskError(429, 'TOO_MANY_REQUESTS', 'The maximum number of Concurrent API Calls that can be made has been exceeded.');
      if (status >= 500) return deskError(status, 'INTERNAL_SERVER_ERROR', 'An internal server error occurred while performing this operation.');
      return deskError(status, 'BAD_REQUEST', 'The request is not valid.');
    },
    unauthorized(_req, reason) {
      return reason === 'scope'
        ? deskError(401, 'SCOPE_MISMATCH', 'The OAuth Token does not have the scope required for this operation.')
        : deskError(401, 'INVALID_OAUTH', 'The OAuth Token you provided is invalid.');
    },
  };
}

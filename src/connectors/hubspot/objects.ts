import type { Budget } from '../remote/budget.ts';
import { ServiceRefusedError, UnknownOutcomeError } from '../remote/errors.ts';
import { errorInfo, said, type HubSpotApi } from './http.ts';

export type ObjectType = 'contacts' | 'companies' | 'deals' | 'tickets';

/** What a create came to: created, the record already there (409 CONFLICT), or refused (400). */
export type CreateResult =
  | { readonly kind: 'created'; readonly id: string }
  | { readonly kind: 'duplicate'; readonly id: string; readonly message: string }
  | { readonly kind: 'refused'; readonly message: string; readonly errors: readonly { readonly name: string; readonly error: string }[] };

/**
 * HubSpot-defined association type ids: contact → company (unlabelled) 279 (the example of
 * HubSpot's associations guide), deal → contact 3, ticket → contact 16 (HubSpot's table; its v1
 * guide reads "contact … associated tickets … definition ID 15", so the other direction is 16 —
 * some third-party lists give the two the other way round).
 */
export const ASSOCIATION = { contactToCompany: 279, dealToContact: 3, ticketToContact: 16 } as const;

export const association = (id: string, typeId: number) => ({ to: { id }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId }] });

/** `Contact already exists. Existing ID: 123` → 123. */
const EXISTING_ID = /Existing ID:\s*(\d+)/i;

/**
 * `POST /crm/v3/objects/{type}`. A 409 CONFLICT names the record already there ("Contact already
 * exists. Existing ID: N"); a 400 VALIDATION_ERROR lists the properties it refused, read from its
 * `errors` (`code`, `context.propertyName`) or, failing those, from the JSON in its message.
 */
export async function createObject(
  api: HubSpotApi,
  type: ObjectType,
  properties: Readonly<Record<string, string>>,
  associations: readonly unknown[],
  budget: Budget,
): Promise<CreateResult> {
  const res = await api.send(
    { method: 'POST', path: `/crm/v3/objects/${type}`, json: { properties, ...(associations.length > 0 ? { associations } : {}) }, write: true },
    budget,
  );
  const body = res.body as { id?: unknown } | null;
  if (res.status < 300 && (typeof body?.id === 'string' || typeof body?.id === 'number')) return { kind: 'created', id: String(body.id) };
  const info = errorInfo(res.body);
  if (res.status === 409) {
    const id = EXISTING_ID.exec(info.message ?? '')?.[1];
    if (id) return { kind: 'duplicate', id, message: info.message ?? 'already exists' };
  }
  if (res.status >= 400 && res.status < 500) return { kind: 'refused', message: said(res.status, res.body), errors: refusedProperties(res.body) };
  throw new ServiceRefusedError(`HubSpot answered the ${type} create with HTTP ${res.status} (${said(res.status, res.body)})`);
}

/** The properties a validation error names, with HubSpot's error code for each. */
function refusedProperties(body: unknown): { name: string; error: string }[] {
  const b = (body ?? {}) as { errors?: unknown; message?: unknown };
  const out: { name: string; error: string }[] = [];
  for (const e of Array.isArray(b.errors) ? (b.errors as { code?: unknown; context?: { propertyName?: unknown } }[]) : []) {
    const names = Array.isArray(e.context?.propertyName) ? e.context.propertyName : [];
    for (const name of names) if (typeof name === 'string') out.push({ name, error: typeof e.code === 'string' ? e.code : '' });
  }
  if (out.length === 0 && typeof b.message === 'string') {
    // "Property values were not valid: [{…,"error":"INVALID_OPTION","name":"hs_pipeline"}]"
    const json = b.message.slice(b.message.indexOf('['));
    try {
      for (const p of JSON.parse(json) as { name?: unknown; error?: unknown }[]) {
        if (typeof p.name === 'string') out.push({ name: p.name, error: typeof p.error === 'string' ? p.error : '' });
      }
    } catch {
      // Not the documented shape: the message itself still says what went wrong.
    }
  }
  return out;
}

/** A contact by email, read directly (`idProperty=email`): exact and immediate, unlike search. */
export async function contactByEmail(api: HubSpotApi, email: string, budget: Budget): Promise<{ readonly id: string; readonly createdAt: number } | undefined> {
  const res = await api.send({ method: 'GET', path: `/crm/v3/objects/contacts/${encodeURIComponent(email)}?idProperty=email&properties=email` }, budget);
  if (res.status === 404) return undefined;
  const body = res.body as { id?: unknown; createdAt?: unknown } | null;
  if (res.status < 300 && (typeof body?.id === 'string' || typeof body?.id === 'number')) {
    const createdAt = typeof body.createdAt === 'string' ? Date.parse(body.createdAt) : Number.NaN;
    return { id: String(body.id), createdAt: Number.isNaN(createdAt) ? 0 : createdAt };
  }
  throw new ServiceRefusedError(`HubSpot refused to read the contact with that email: ${said(res.status, res.body)}`);
}

export async function contactIdByEmail(api: HubSpotApi, email: string, budget: Budget): Promise<string | undefined> {
  return (await contactByEmail(api, email, budget))?.id;
}

export interface Filter {
  readonly propertyName: string;
  readonly operator: 'EQ' | 'GTE';
  readonly value: string;
}

/**
 * The first record whose properties match one of the filter groups (`POST …/search`). HubSpot's
 * search index trails creates by a few seconds, so a record created a moment ago may not be found
 * yet: a look-up after a lost answer searches only when no direct read exists (deals, tickets,
 * companies, a contact without an email).
 */
export async function searchFirst(api: HubSpotApi, type: ObjectType, groups: readonly (readonly Filter[])[], budget: Budget): Promise<string | undefined> {
  const res = await api.send(
    {
      method: 'POST',
      path: `/crm/v3/objects/${type}/search`,
      json: {
        filterGroups: groups.map((filters) => ({ filters })),
        properties: ['hs_object_id'],
        limit: 1,
        sorts: [{ propertyName: 'createdate', direction: 'ASCENDING' }],
      },
    },
    budget,
  );
  if (res.status >= 300) throw new ServiceRefusedError(`HubSpot refused a search of ${type}: ${said(res.status, res.body)}`);
  const [first] = ((res.body as { results?: unknown } | null)?.results ?? []) as { id?: unknown }[];
  return first && (typeof first.id === 'string' || typeof first.id === 'number') ? String(first.id) : undefined;
}

/**
 * How long a record may take to show in HubSpot's search after its create. HubSpot says search
 * results can trail writes by "a few seconds" without a figure (not confirmed); this is the wait
 * before a second look.
 */
export const SEARCH_SETTLE_MS = 3_000;

/**
 * The look-up after a lost answer, for records only search can find (deals, tickets, companies):
 * a miss is searched again once the index has had time to catch up, since a miss makes the caller
 * create the record again; without the time for that, the outcome stays unknown (findSettled).
 */
export async function searchOwn(
  api: HubSpotApi,
  type: ObjectType,
  groups: readonly (readonly Filter[])[],
  budget: Budget,
  settleMs = SEARCH_SETTLE_MS,
): Promise<string | undefined> {
  return findSettled(api, budget, () => searchFirst(api, type, groups, budget), settleMs);
}

/**
 * `find` (a look-up through search), and once more after `settleMs` when it missed. A miss that
 * cannot be looked at again (the block's time is too short for the wait, or the call was cut) is
 * no proof the record is absent: it is an unknown outcome — the effect's next attempt looks first
 * — never a reason to create the record again.
 */
export async function findSettled<T>(api: HubSpotApi, budget: Budget, find: () => Promise<T | undefined>, settleMs = SEARCH_SETTLE_MS): Promise<T | undefined> {
  const first = await find();
  if (first !== undefined || settleMs <= 0) return first;
  const unsure = new UnknownOutcomeError("the record may be too new for HubSpot's search, and there was no time left to look again");
  if (api.clock.now() + settleMs >= budget.deadline) throw unsure;
  try {
    await api.clock.sleep(settleMs, budget.signal);
  } catch {
    throw unsure;
  }
  return find();
}

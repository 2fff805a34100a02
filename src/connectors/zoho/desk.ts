import { z } from 'zod';
import { errorCode, errorMessage } from '../remote/provider-said.ts';
import { assigneeInvalid, departmentInvalid, failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { TicketRequest } from '../../vocabulary/requests.ts';
import type { CallContext, HelpdeskConnector } from '../../vocabulary/roles.ts';
import { createOnce } from '../remote/create-once.ts';
import type { DeskAgent, DeskDepartment, DeskDirectory } from './desk-directory.ts';
import { ServiceRefusedError } from '../remote/errors.ts';
import { errorInfo, type Budget } from './http.ts';
import { splitPersonName, UNKNOWN_NAME } from '../remote/person-name.ts';
import { apiUrl, budgetFor, lookupSince, type ZohoService } from './service.ts';

const zohoId = z.union([z.string().min(1), z.number()]).transform(String);
const ticket = z.looseObject({
  id: zohoId,
  ticketNumber: z.union([z.string(), z.number()]).transform(String),
  subject: z.string().optional(),
  departmentId: zohoId.optional(),
  email: z.string().nullable().optional(),
});
const validationErrors = z.looseObject({
  errors: z.array(z.looseObject({ fieldName: z.string().optional(), errorType: z.string().optional(), errorMessage: z.string().optional() })),
});

type TicketWrite =
  | { readonly kind: 'created'; readonly id: string; readonly number: string }
  | { readonly kind: 'department_invalid' | 'assignee_invalid' | 'refused'; readonly message: string };

type Resolved<T> = { readonly found: T } | { readonly problem: string };

/** Desk ids and names come from the directory; Desk refusing them anyway makes the copy stale. */
const FIELD_OUTCOMES: Readonly<Record<string, 'department_invalid' | 'assignee_invalid'>> = {
  departmentId: 'department_invalid',
  assigneeId: 'assignee_invalid',
};
/** How far past "now" a ticket search reaches, for a Desk clock running ahead of ours. */
const SEARCH_AHEAD_MS = 2 * 60_000;

/**
 * Zoho Desk tickets. The visitor's Desk contact is found (by email, else by phone) or created
 * first and the ticket names it by `contactId`: a ticket's inline `contact` object requires an
 * email as well as a last name (Desk's OpenAPI, Ticket.json), which a visitor who gave only a
 * phone does not have. The phone goes on the ticket too.
 */
export function createZohoDesk(desk: ZohoService, directory: DeskDirectory): HelpdeskConnector {
  return {
    async createTicket(req: TicketRequest, ctx: CallContext): Promise<Outcome> {
      const budget = budgetFor(desk, ctx);
      const since = lookupSince(ctx, Date.now());
      const orgId = await directory.orgId(budget);
      const dept = await resolveDepartment(directory, req.department.trim(), budget);
      if ('problem' in dept) return departmentInvalid(dept.problem);
      const agent = req.assignee.trim() === '' ? undefined : await resolveAgent(directory, req.assignee.trim(), dept.found, budget);
      if (agent && 'problem' in agent) return assigneeInvalid(agent.problem);

      const { lastName, firstName } = splitPersonName(req.contact.name, ctx.locale);
      const email = req.contact.email.trim();
      const phone = req.contact.phone.trim();
      const subject = req.subject.trim();
      const contactId = await findOrCreateContact(desk, orgId, { lastName: lastName || UNKNOWN_NAME, firstName, email, phone }, budget);
      if (typeof contactId !== 'string') return failure(`Zoho Desk refused the ticket's contact: ${contactId.message}`);
      const body = {
        subject,
        departmentId: dept.found.id,
        contactId,
        ...(email ? { email } : {}),
        ...(phone ? { phone } : {}),
        ...optionalText({ description: req.description, status: req.status, priority: req.priority, classification: req.classification }),
        channel: 'Chat',
        ...(agent ? { assigneeId: agent.found.id } : {}),
      };

      const create = async (): Promise<TicketWrite> => {
        const res = await desk.api.send({ method: 'POST', url: apiUrl(desk.origin, '/api/v1/tickets'), headers: { orgId }, json: body, write: true }, budget);
        const created = ticket.safeParse(res.body);
        if (res.status < 300 && created.success) return { kind: 'created', id: created.data.id, number: created.data.ticketNumber };
        return readRefusal(res.status, res.body, directory);
      };
      // Tickets are looked up with tickets/search by the visitor's email, the subject and the
      // department, created since the effect started (createdTimeRange), and the subject is then
      // compared exactly (Desk's subject filter is a wildcard match).
      const findOwn = async (): Promise<TicketWrite | undefined> => {
        const found = await searchTickets(desk, orgId, { email, subject, departmentId: dept.found.id, since }, budget);
        const own = found.find((t) => t.subject?.trim() === subject && (t.departmentId === undefined || t.departmentId === dept.found.id));
        return own ? { kind: 'created', id: own.id, number: own.ticketNumber } : undefined;
      };

      const result = await createOnce({ create, findOwn }, ctx.retryOfUnknown === true);
      switch (result.kind) {
        case 'created':
          return success({ id: result.id, number: result.number });
        case 'department_invalid':
          return departmentInvalid(result.message);
        case 'assignee_invalid':
          return assigneeInvalid(result.message);
        case 'refused':
          return failure(`Zoho Desk refused the ticket: ${result.message}`);
      }
    },
  };
}

/** By id or name (case-insensitive); no department given → the portal's default department. */
async function resolveDepartment(directory: DeskDirectory, ref: string, budget: Budget): Promise<Resolved<DeskDepartment>> {
  if (ref === '') {
    const all = await directory.departments.all(budget);
    const enabled = all.filter((d) => d.isEnabled);
    const chosen = enabled.find((d) => d.isDefault) ?? (enabled.length === 1 ? enabled[0] : undefined);
    return chosen ? { found: chosen } : { problem: 'the block names no department and Zoho Desk has no default department' };
  }
  const matches = (d: DeskDepartment): boolean => d.id === ref || d.name.trim().toLowerCase() === ref.toLowerCase();
  const enabled = await directory.departments.find((d) => d.isEnabled && matches(d), budget);
  if (enabled) return { found: enabled };
  const disabled = (await directory.departments.all(budget)).find(matches);
  return { problem: disabled ? `the Zoho Desk department "${disabled.name}" is disabled` : `Zoho Desk has no department "${ref}"` };
}

/** By id or email (case-insensitive); the agent must be active and a member of the department. */
async function resolveAgent(directory: DeskDirectory, ref: string, dept: DeskDepartment, budget: Budget): Promise<Resolved<DeskAgent>> {
  const matches = (a: DeskAgent): boolean => a.id === ref || a.emailId.toLowerCase() === ref.toLowerCase();
  const active = await directory.activeAgents.find(matches, budget);
  if (!active) {
    const disabled = await directory.disabledAgents.find(matches, budget);
    return { problem: disabled ? `the Zoho Desk agent ${ref} is disabled` : `Zoho Desk has no agent ${ref}` };
  }
  if (active.associatedDepartmentIds && !active.associatedDepartmentIds.includes(dept.id)) {
    return { problem: `the Zoho Desk agent ${ref} is not in the department "${dept.name}"` };
  }
  return { found: active };
}

/** A field's error type and message as Desk gave them, bounded (../remote/provider-said.ts). */
function fieldError(e: { errorType?: string | undefined; errorMessage?: string | undefined }): string {
  const message = errorMessage(e.errorMessage);
  return `${errorCode(e.errorType) ?? 'invalid'}${message ? `: ${message}` : ''}`;
}

function readRefusal(status: number, body: unknown, directory: DeskDirectory): TicketWrite {
  const errors = validationErrors.safeParse(body);
  const fields = errors.success ? errors.data.errors : [];
  for (const e of fields) {
    const outcome = FIELD_OUTCOMES[(e.fieldName ?? '').replace(/^\//, '')];
    if (outcome === undefined) continue;
    if (outcome === 'department_invalid') directory.departments.forget();
    else directory.activeAgents.forget();
    const what = outcome === 'department_invalid' ? 'department' : 'assignee';
    return { kind: outcome, message: `Zoho Desk refused the ${what} (${fieldError(e)})` };
  }
  return { kind: 'refused', message: describeRefusal(status, body) };
}

/** Desk's message, code and the first few refused fields. */
function describeRefusal(status: number, body: unknown): string {
  const { code, message } = errorInfo(body);
  const errors = validationErrors.safeParse(body);
  const fields = errors.success ? errors.data.errors : [];
  const detail = fields.slice(0, 5).map((e) => `${errorCode((e.fieldName ?? '').replace(/^\//, '')) ?? 'a field'} ${fieldError(e)}`);
  return `${message ?? 'unreadable answer'} (${[code ?? `HTTP ${status}`, ...detail].join('; ')})`;
}

async function searchTickets(
  desk: ZohoService,
  orgId: string,
  by: { email: string; subject: string; departmentId: string; since: number },
  budget: Budget,
): Promise<z.infer<typeof ticket>[]> {
  const range = `${new Date(by.since).toISOString()},${new Date(Date.now() + SEARCH_AHEAD_MS).toISOString()}`;
  const query: Record<string, string> = {
    departmentId: by.departmentId,
    createdTimeRange: range,
    limit: '100',
    ...(by.email ? { email: by.email } : {}),
    // Desk's subject filter needs at least 3 characters.
    ...(by.subject.length >= 3 ? { subject: by.subject } : {}),
  };
  const res = await desk.api.send({ method: 'GET', url: apiUrl(desk.origin, '/api/v1/tickets/search', query), headers: { orgId } }, budget);
  if (res.status === 204 || res.body === null) return [];
  const parsed = z.looseObject({ data: z.array(ticket) }).safeParse(res.body);
  if (res.status >= 300 || !parsed.success) {
    const { code, message } = errorInfo(res.body);
    throw new ServiceRefusedError(`Zoho Desk could not search tickets (${code ?? `HTTP ${res.status}`}${message ? `: ${message}` : ''})`);
  }
  return parsed.data.data;
}

const contactFound = z.looseObject({ data: z.array(z.looseObject({ id: zohoId })) });
const contactMade = z.looseObject({ id: zohoId });

interface ContactFields {
  readonly lastName: string;
  readonly firstName: string;
  readonly email: string;
  readonly phone: string;
}

/**
 * The id of the visitor's Desk contact: the one with their email (else their phone), or a new one.
 * A create whose answer was lost is looked up by the same search before it is sent again. A
 * visitor who gave neither gets a new contact each time: there is nothing to find them by.
 */
async function findOrCreateContact(desk: ZohoService, orgId: string, c: ContactFields, budget: Budget): Promise<string | { readonly message: string }> {
  const by: Record<string, string> | undefined = c.email ? { email: c.email } : c.phone ? { phone: c.phone } : undefined;
  const find = async (): Promise<string | undefined> => {
    if (!by) return undefined;
    const res = await desk.api.send({ method: 'GET', url: apiUrl(desk.origin, '/api/v1/contacts/search', { ...by, limit: '1' }), headers: { orgId } }, budget);
    if (res.status === 204 || res.body === null) return undefined;
    const parsed = contactFound.safeParse(res.body);
    if (res.status >= 300 || !parsed.success) {
      const { code, message } = errorInfo(res.body);
      throw new ServiceRefusedError(`Zoho Desk could not search contacts (${code ?? `HTTP ${res.status}`}${message ? `: ${message}` : ''})`);
    }
    return parsed.data.data[0]?.id;
  };
  const existing = await find();
  if (existing) return existing;
  const json = {
    lastName: c.lastName,
    ...(c.firstName ? { firstName: c.firstName } : {}),
    ...(c.email ? { email: c.email } : {}),
    ...(c.phone ? { phone: c.phone } : {}),
  };
  const result = await createOnce<string | { readonly message: string }>(
    {
      create: async () => {
        const res = await desk.api.send({ method: 'POST', url: apiUrl(desk.origin, '/api/v1/contacts'), headers: { orgId }, json, write: true }, budget);
        const made = contactMade.safeParse(res.body);
        if (res.status < 300 && made.success) return made.data.id;
        return { message: describeRefusal(res.status, res.body) };
      },
      findOwn: find,
    },
    false,
  );
  return result;
}

function optionalText(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (v.trim() === '' ? [] : [[k, v.trim()]])));
}

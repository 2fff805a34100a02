import { assigneeInvalid, departmentInvalid, failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { TicketRequest } from '../../vocabulary/requests.ts';
import type { CallContext, HelpdeskConnector } from '../../vocabulary/roles.ts';
import type { Budget } from '../remote/budget.ts';
import { createOnce } from '../remote/create-once.ts';
import { lookupSince } from '../remote/lookup-since.ts';
import { ServiceUnavailableError, UnknownOutcomeError } from '../remote/errors.ts';
import type { Queue, SalesforceDirectory, User } from './directory.ts';
import { budgetFor, insertRecord, soql, soqlAll, soqlDateTime, soqlIds, soqlString, type SalesforceService } from './records.ts';

/** The Case Origin of every case a chat opens. */
export const CASE_ORIGIN = 'Chat';

type Resolved<T> = { readonly found: T } | { readonly problem: string };
type CaseWrite =
  | { readonly kind: 'created'; readonly id: string; readonly number: string }
  | { readonly kind: 'department_invalid' | 'assignee_invalid' | 'refused'; readonly message: string };

/**
 * Salesforce Cases. The department is a queue that takes Cases and the assignee a user: the case's
 * OwnerId is the assignee when the block names one (the queue is still checked), else the queue,
 * else Salesforce's default (the connected user, or the org's assignment rules). The visitor is the
 * case's contact when a Contact has their email, and always its "web" fields (SuppliedName,
 * SuppliedEmail, SuppliedPhone), as Web-to-Case fills them. Type carries the classification and
 * Origin is `Chat`. The ticket number is the CaseNumber.
 */
export function createSalesforceCases(desk: SalesforceService, directory: SalesforceDirectory): HelpdeskConnector {
  return {
    async createTicket(req: TicketRequest, ctx: CallContext): Promise<Outcome> {
      const budget = budgetFor(desk, ctx);
      const since = lookupSince(ctx, desk.api.clock.now());
      const queue = req.department.trim() === '' ? undefined : await resolveQueue(directory, req.department.trim(), budget);
      if (queue && 'problem' in queue) return departmentInvalid(queue.problem);
      const user = req.assignee.trim() === '' ? undefined : await resolveUser(directory, req.assignee.trim(), budget);
      if (user && 'problem' in user) return assigneeInvalid(user.problem);

      const email = req.contact.email.trim();
      const subject = req.subject.trim();
      const [contactId] = email ? await soqlIds(desk, `SELECT Id FROM Contact WHERE Email = ${soqlString(email)} ORDER BY CreatedDate LIMIT 1`, budget) : [];
      const ownerId = user?.found.id ?? queue?.found.id;
      const record = {
        ...(subject ? { Subject: subject } : {}),
        ...optional({ Description: req.description, Status: req.status, Priority: req.priority, Type: req.classification }),
        Origin: CASE_ORIGIN,
        ...(ownerId ? { OwnerId: ownerId } : {}),
        ...(contactId ? { ContactId: contactId } : {}),
        ...optional({ SuppliedName: req.contact.name, SuppliedEmail: email, SuppliedPhone: req.contact.phone }),
      };

      const create = async (): Promise<CaseWrite> => {
        const result = await insertRecord(desk, 'Case', record, budget);
        if (result.kind === 'created') {
          // The case exists: a number that cannot be read yet is read by the next attempt's look-up.
          try {
            const [row] = await soql(desk, `SELECT Id, CaseNumber FROM Case WHERE Id = ${soqlString(result.id)} LIMIT 1`, budget);
            return { kind: 'created', id: result.id, number: typeof row?.['CaseNumber'] === 'string' ? row['CaseNumber'] : '' };
          } catch (err) {
            if (err instanceof ServiceUnavailableError) throw new UnknownOutcomeError(`case ${result.id} was created, its number not read yet: ${err.message}`);
            throw err;
          }
        }
        const code = result.kind === 'refused' ? result.error?.errorCode : undefined;
        const onOwner = result.kind === 'refused' && (result.error?.fields.includes('OwnerId') ?? false);
        if (code === 'INACTIVE_OWNER_OR_USER' || (onOwner && ownerId === user?.found.id && user)) {
          directory.users.forget();
          return { kind: 'assignee_invalid', message: `Salesforce refused the assignee as the case's owner (${result.message})` };
        }
        if (onOwner && queue) {
          directory.queues.forget();
          return { kind: 'department_invalid', message: `Salesforce refused the queue as the case's owner (${result.message})` };
        }
        return { kind: 'refused', message: result.message };
      };
      // A case an earlier attempt created: same Subject, Origin Chat, the visitor's email, since the effect started.
      const findOwn = async (): Promise<CaseWrite | undefined> => {
        const where = [
          `Subject = ${soqlString(subject)}`,
          `Origin = ${soqlString(CASE_ORIGIN)}`,
          ...(email ? [`SuppliedEmail = ${soqlString(email)}`] : []),
          `CreatedDate >= ${soqlDateTime(since)}`,
        ];
        const [row] = await soql(desk, `SELECT Id, CaseNumber FROM Case WHERE ${soqlAll(where)} ORDER BY CreatedDate LIMIT 1`, budget);
        return row && typeof row['Id'] === 'string'
          ? { kind: 'created', id: row['Id'], number: typeof row['CaseNumber'] === 'string' ? row['CaseNumber'] : '' }
          : undefined;
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
          return failure(`Salesforce refused the case: ${result.message}`);
      }
    },
  };
}

/** A queue by Id, Name or DeveloperName (case-insensitive), which must take Cases. */
async function resolveQueue(directory: SalesforceDirectory, ref: string, budget: Budget): Promise<Resolved<Queue>> {
  const lower = ref.toLowerCase();
  const matches = (q: Queue): boolean => q.id === ref || q.id.slice(0, 15) === ref || q.name.toLowerCase() === lower || q.developerName.toLowerCase() === lower;
  const takesCases = await directory.queues.find((q) => matches(q) && q.objects.includes('Case'), budget);
  if (takesCases) return { found: takesCases };
  const other = (await directory.queues.all(budget)).find(matches);
  return { problem: other ? `the Salesforce queue "${other.name}" does not take Cases` : `Salesforce has no queue "${ref}"` };
}

/** A user by Id, Email or Username (case-insensitive), who must be active. */
async function resolveUser(directory: SalesforceDirectory, ref: string, budget: Budget): Promise<Resolved<User>> {
  const lower = ref.toLowerCase();
  const matches = (u: User): boolean => u.id === ref || u.id.slice(0, 15) === ref || u.email.toLowerCase() === lower || u.username.toLowerCase() === lower;
  const active = await directory.users.find((u) => u.active && matches(u), budget);
  if (active) return { found: active };
  const inactive = (await directory.users.all(budget)).find(matches);
  return { problem: inactive ? `the Salesforce user ${ref} is inactive` : `Salesforce has no user ${ref}` };
}

function optional(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (v.trim() === '' ? [] : [[k, v.trim()]])));
}

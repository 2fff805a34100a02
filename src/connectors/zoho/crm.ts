import { alreadyExists, failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { ContactRequest, DealRequest, LeadRequest } from '../../vocabulary/requests.ts';
import type { CallContext, CrmConnector } from '../../vocabulary/roles.ts';
import { createOnce } from '../remote/create-once.ts';
import { coqlAll, coqlDateTime, coqlIds, coqlString, insertRecord, type CrmModule, type CrmWrite } from './crm-api.ts';
import { splitPersonName, UNKNOWN_NAME } from '../remote/person-name.ts';
import { budgetFor, lookupSince, type ZohoService } from './service.ts';
import type { Budget } from './http.ts';

export interface CrmOptions {
  /** Company of a lead whose visitor gave none: most Zoho layouts require one. */
  readonly defaultCompany: string;
}

/** `Unknown` is what Zoho's own web-to-lead forms and many CRMs use for "not given". */
export const DEFAULT_COMPANY = 'Unknown';

/**
 * Zoho CRM Leads, Contacts and Deals. Leads and contacts are never created twice for one email:
 * they are looked up before the insert. Deals have no natural key, so they are only looked up
 * when an earlier create of the same effect lost its answer.
 */
export function createZohoCrm(crm: ZohoService, opts: CrmOptions): CrmConnector {
  return {
    async createLead(req: LeadRequest, ctx: CallContext): Promise<Outcome> {
      const budget = budgetFor(crm, ctx);
      const since = lookupSince(ctx, Date.now());
      const email = req.email.trim();
      // Leads are looked up by Email with COQL (exact and immediate; the search API lags behind
      // inserts). Before the first insert any lead with that email is `already_exists`; after a
      // lost answer only a lead created since the effect started counts as our own. Without an
      // email, our own lead is the one with the same Last_Name (and Phone) created since then.
      if (email !== '') {
        if (ctx.retryOfUnknown) {
          const own = await findOwnPerson(crm, 'Leads', req, ctx, since, budget);
          if (own) return success({ id: own.id });
        }
        const [existing] = await coqlIds(crm, `select id from Leads where Email = ${coqlString(email)} limit 1`, budget);
        if (existing) return alreadyExists(existing, `a lead with ${email} already exists`);
      }
      const record = {
        ...personFields(req, ctx),
        Company: req.company.trim() || opts.defaultCompany,
        Lead_Source: 'Chat',
        ...req.fields,
      };
      const result = await createOnce(
        {
          create: () => insertRecord(crm, 'Leads', record, budget),
          findOwn: () => findOwnPerson(crm, 'Leads', req, ctx, since, budget),
        },
        ctx.retryOfUnknown === true && email === '',
      );
      return toOutcome(result, 'lead', (id, message) => alreadyExists(id, message));
    },

    async createContact(req: ContactRequest, ctx: CallContext): Promise<Outcome> {
      const budget = budgetFor(crm, ctx);
      const since = lookupSince(ctx, Date.now());
      const email = req.email.trim();
      // Contacts are looked up by Email with COQL like leads. `crm.contact` has no
      // already_exists port: a bot associates the visitor with a contact, so an existing contact
      // with that email is `success` with its id (a deal can then use it). This also makes a
      // create that lost its answer safe: its contact is found by the same lookup.
      if (email !== '') {
        const [existing] = await coqlIds(crm, `select id from Contacts where Email = ${coqlString(email)} limit 1`, budget);
        if (existing) return success({ id: existing });
      }
      const company = req.company.trim();
      const account = company === '' ? undefined : await findOrCreateAccount(crm, company, budget);
      if (account?.kind === 'refused') return failure(`Zoho CRM refused the contact's account "${company}": ${account.message}`);
      const record = {
        ...personFields(req, ctx),
        ...(account ? { Account_Name: { id: account.id } } : {}),
        Lead_Source: 'Chat',
        ...req.fields,
      };
      const result = await createOnce(
        {
          create: () => insertRecord(crm, 'Contacts', record, budget),
          findOwn: () => findOwnPerson(crm, 'Contacts', req, ctx, since, budget),
        },
        ctx.retryOfUnknown === true && email === '',
      );
      return toOutcome(result, 'contact', (id) => success({ id }));
    },

    async createDeal(req: DealRequest, ctx: CallContext): Promise<Outcome> {
      const amountText = req.amount.replace(/,/g, '').trim();
      const amount = amountText === '' ? undefined : Number(amountText);
      if (amount !== undefined && !Number.isFinite(amount)) return failure(`the deal amount "${req.amount}" is not a number`);
      const budget = budgetFor(crm, ctx);
      const since = lookupSince(ctx, Date.now());
      const record = {
        ...(req.name.trim() ? { Deal_Name: req.name.trim() } : {}),
        ...(req.stage.trim() ? { Stage: req.stage.trim() } : {}),
        ...(req.closingDate.trim() ? { Closing_Date: req.closingDate.trim() } : {}),
        ...(amount !== undefined ? { Amount: amount } : {}),
        ...(req.contactId.trim() ? { Contact_Name: { id: req.contactId.trim() } } : {}),
        ...req.fields,
      };
      // Deals have no natural key: one of ours is a deal with the same Deal_Name and contact,
      // created since the effect started (COQL).
      const findOwn = async (): Promise<CrmWrite | undefined> => {
        const where = [
          `Deal_Name = ${coqlString(req.name.trim())}`,
          ...(req.contactId.trim() ? [`Contact_Name = ${coqlString(req.contactId.trim())}`] : []),
          `Created_Time >= ${coqlDateTime(since)}`,
        ];
        const [id] = await coqlIds(crm, `select id from Deals where ${coqlAll(where)} limit 1`, budget);
        return id ? { kind: 'created', id } : undefined;
      };
      const result = await createOnce({ create: () => insertRecord(crm, 'Deals', record, budget), findOwn }, ctx.retryOfUnknown === true);
      return toOutcome(result, 'deal', (id, message) => failure(`Zoho CRM refused the deal: ${message} (record ${id})`));
    },
  };
}

function personFields(req: LeadRequest, ctx: CallContext): Record<string, string> {
  const { lastName, firstName } = splitPersonName(req.name, ctx.locale);
  return {
    Last_Name: lastName || UNKNOWN_NAME,
    ...(firstName ? { First_Name: firstName } : {}),
    ...(req.email.trim() ? { Email: req.email.trim() } : {}),
    ...(req.phone.trim() ? { Phone: req.phone.trim() } : {}),
  };
}

async function findOwnPerson(
  crm: ZohoService,
  module: CrmModule,
  req: LeadRequest,
  ctx: CallContext,
  since: number,
  budget: Budget,
): Promise<Extract<CrmWrite, { kind: 'created' }> | undefined> {
  const person = personFields(req, ctx);
  const where = person.Email
    ? [`Email = ${coqlString(person.Email)}`]
    : [`Last_Name = ${coqlString(person.Last_Name ?? UNKNOWN_NAME)}`, ...(person.Phone ? [`Phone = ${coqlString(person.Phone)}`] : [])];
  where.push(`Created_Time >= ${coqlDateTime(since)}`);
  const [id] = await coqlIds(crm, `select id from ${module} where ${coqlAll(where)} limit 1`, budget);
  return id ? { kind: 'created', id } : undefined;
}

/**
 * Accounts are looked up by Account_Name (COQL, exact): the name is their natural key, so an
 * account whose create lost its answer is found again by the same lookup.
 */
async function findOrCreateAccount(crm: ZohoService, name: string, budget: Budget): Promise<CrmWrite> {
  const find = async (): Promise<CrmWrite | undefined> => {
    const [id] = await coqlIds(crm, `select id from Accounts where Account_Name = ${coqlString(name)} limit 1`, budget);
    return id ? { kind: 'created', id } : undefined;
  };
  const existing = await find();
  if (existing) return existing;
  const result = await createOnce({ create: () => insertRecord(crm, 'Accounts', { Account_Name: name }, budget), findOwn: find }, false);
  return result.kind === 'duplicate' ? { kind: 'created', id: result.id } : result;
}

function toOutcome(result: CrmWrite, what: string, onDuplicate: (id: string, message: string) => Outcome): Outcome {
  switch (result.kind) {
    case 'created':
      return success({ id: result.id });
    case 'duplicate':
      return onDuplicate(result.id, result.message);
    case 'refused':
      return failure(`Zoho CRM refused the ${what}: ${result.message}`);
  }
}

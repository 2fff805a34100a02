import { alreadyExists, failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { ContactRequest, DealRequest, LeadRequest } from '../../vocabulary/requests.ts';
import type { CallContext, CrmConnector } from '../../vocabulary/roles.ts';
import type { Budget } from '../remote/budget.ts';
import { createOnce } from '../remote/create-once.ts';
import { lookupSince } from '../remote/lookup-since.ts';
import { ServiceUnavailableError, UnknownOutcomeError } from '../remote/errors.ts';
import { splitPersonName, UNKNOWN_NAME } from '../remote/person-name.ts';
import type { SalesforceDirectory } from './directory.ts';
import { budgetFor, insertRecord, SALESFORCE_ID, soql, soqlAll, soqlDateTime, soqlIds, soqlString, type Created, type SalesforceService } from './records.ts';

export interface CrmOptions {
  /** Company of a lead whose visitor gave none: Salesforce requires one. */
  readonly defaultCompany: string;
  /** LeadSource of the leads and contacts it creates, when the admin set one. */
  readonly leadSource: string | undefined;
}

export const DEFAULT_COMPANY = 'Unknown';
/** Salesforce requires an Opportunity's CloseDate; a deal block that gives none closes a month out. */
const DEFAULT_CLOSE_DAYS = 30;

type Person = 'Lead' | 'Contact';

/**
 * Salesforce Leads, Contacts (with their Account) and Opportunities (with a contact role). Leads
 * and contacts are looked up by Email (SOQL, exact and immediate) before the insert, so neither is
 * created twice; a duplicate rule that blocks the insert anyway is read for its match. Accounts are
 * found by Name, or created. An Opportunity has no natural key: one an earlier attempt created is
 * found by Name, Account and CreatedDate.
 */
export function createSalesforceCrm(crm: SalesforceService, directory: SalesforceDirectory, opts: CrmOptions): CrmConnector {
  return {
    async createLead(req: LeadRequest, ctx: CallContext): Promise<Outcome> {
      const budget = budgetFor(crm, ctx);
      const since = lookupSince(ctx, crm.api.clock.now());
      const email = req.email.trim();
      if (email !== '') {
        // After a lost answer only a lead created since the effect started is our own; before the
        // first insert any lead with that email is `already_exists`.
        if (ctx.retryOfUnknown) {
          const own = await findOwnPerson(crm, 'Lead', req, ctx, since, budget);
          if (own) return success({ id: own.id });
        }
        const [existing] = await soqlIds(crm, `SELECT Id FROM Lead WHERE Email = ${soqlString(email)} ORDER BY CreatedDate LIMIT 1`, budget);
        if (existing) return alreadyExists(existing, `a lead with ${email} already exists`);
      }
      const extra = await directory.knownFields('Lead', req.fields, budget);
      const record = {
        ...personFields(req, ctx),
        Company: req.company.trim() || opts.defaultCompany,
        ...(opts.leadSource ? { LeadSource: opts.leadSource } : {}),
        ...extra.sent,
      };
      const result = await createOnce(
        { create: () => insertRecord(crm, 'Lead', record, budget), findOwn: () => findOwnPerson(crm, 'Lead', req, ctx, since, budget) },
        ctx.retryOfUnknown === true && email === '',
      );
      if (result.kind === 'duplicate') {
        const id = result.id ?? (email ? (await soqlIds(crm, `SELECT Id FROM Lead WHERE Email = ${soqlString(email)} LIMIT 1`, budget))[0] : undefined);
        return id
          ? alreadyExists(id, `Salesforce's duplicate rule matched lead ${id}`)
          : failure(`Salesforce refused the lead as a duplicate: ${result.message}`);
      }
      return toOutcome(result, 'lead', extra.note);
    },

    async createContact(req: ContactRequest, ctx: CallContext): Promise<Outcome> {
      const budget = budgetFor(crm, ctx);
      const since = lookupSince(ctx, crm.api.clock.now());
      const email = req.email.trim();
      // `crm.contact` has no already_exists port: the bot associates the visitor with a contact,
      // so an existing contact with that email is `success` with its id (a deal can then use it).
      if (email !== '') {
        const [existing] = await soqlIds(crm, `SELECT Id FROM Contact WHERE Email = ${soqlString(email)} ORDER BY CreatedDate LIMIT 1`, budget);
        if (existing) return success({ id: existing });
      }
      const company = req.company.trim();
      const account = company === '' ? undefined : await findOrCreateAccount(crm, company, budget);
      if (account?.kind === 'refused') return failure(`Salesforce refused the contact's account "${company}": ${account.message}`);
      const extra = await directory.knownFields('Contact', req.fields, budget);
      const record = {
        ...personFields(req, ctx),
        ...(account?.kind === 'created' ? { AccountId: account.id } : {}),
        ...(opts.leadSource ? { LeadSource: opts.leadSource } : {}),
        ...extra.sent,
      };
      const result = await createOnce(
        { create: () => insertRecord(crm, 'Contact', record, budget), findOwn: () => findOwnPerson(crm, 'Contact', req, ctx, since, budget) },
        ctx.retryOfUnknown === true && email === '',
      );
      if (result.kind === 'duplicate') {
        const id = result.id ?? (email ? (await soqlIds(crm, `SELECT Id FROM Contact WHERE Email = ${soqlString(email)} LIMIT 1`, budget))[0] : undefined);
        return id ? success({ id }) : failure(`Salesforce refused the contact as a duplicate: ${result.message}`);
      }
      return toOutcome(result, 'contact', extra.note);
    },

    async createDeal(req: DealRequest, ctx: CallContext): Promise<Outcome> {
      const amountText = req.amount.replace(/,/g, '').trim();
      const amount = amountText === '' ? undefined : Number(amountText);
      if (amount !== undefined && !Number.isFinite(amount)) return failure(`the deal amount "${req.amount}" is not a number`);
      const contactId = req.contactId.trim();
      if (contactId !== '' && !SALESFORCE_ID.test(contactId)) return failure(`the deal's contact "${contactId}" is not a Salesforce record id`);
      const budget = budgetFor(crm, ctx);
      const since = lookupSince(ctx, crm.api.clock.now());
      let accountId: string | undefined;
      if (contactId !== '') {
        const [contact] = await soql(crm, `SELECT Id, AccountId FROM Contact WHERE Id = ${soqlString(contactId)} LIMIT 1`, budget);
        if (!contact) return failure(`Salesforce has no contact ${contactId} for the deal`);
        accountId = typeof contact['AccountId'] === 'string' ? contact['AccountId'] : undefined;
      }
      const name = req.name.trim();
      const extra = await directory.knownFields('Opportunity', req.fields, budget);
      const record = {
        ...(name ? { Name: name } : {}),
        ...(req.stage.trim() ? { StageName: req.stage.trim() } : {}),
        CloseDate: req.closingDate.trim() || new Date(crm.api.clock.now() + DEFAULT_CLOSE_DAYS * 86_400_000).toISOString().slice(0, 10),
        ...(amount !== undefined ? { Amount: amount } : {}),
        ...(accountId ? { AccountId: accountId } : {}),
        ...extra.sent,
      };
      const findOwn = async (): Promise<Created | undefined> => {
        const where = [`Name = ${soqlString(name)}`, `CreatedDate >= ${soqlDateTime(since)}`, ...(accountId ? [`AccountId = ${soqlString(accountId)}`] : [])];
        const [id] = await soqlIds(crm, `SELECT Id FROM Opportunity WHERE ${soqlAll(where)} ORDER BY CreatedDate LIMIT 1`, budget);
        return id ? { kind: 'created', id } : undefined;
      };
      const result = await createOnce({ create: () => insertRecord(crm, 'Opportunity', record, budget), findOwn }, ctx.retryOfUnknown === true);
      if (result.kind !== 'created') return toOutcome(result, 'deal');
      if (contactId === '') return success({ id: result.id }, extra.note);
      // The opportunity exists now: a contact role that cannot be added yet leaves the effect half
      // done, which the next attempt finishes after finding the opportunity (never a second one).
      try {
        const role = await addContactRole(crm, result.id, contactId, budget);
        if (role.kind === 'refused') return failure(`Salesforce created the opportunity ${result.id} but refused its contact role: ${role.message}`);
      } catch (err) {
        if (err instanceof ServiceUnavailableError)
          throw new UnknownOutcomeError(`the opportunity ${result.id} was created, its contact role not yet: ${err.message}`);
        throw err;
      }
      return success({ id: result.id }, extra.note);
    },
  };
}

function personFields(req: LeadRequest, ctx: CallContext): Record<string, string> {
  const { lastName, firstName } = splitPersonName(req.name, ctx.locale);
  return {
    LastName: lastName || UNKNOWN_NAME,
    ...(firstName ? { FirstName: firstName } : {}),
    ...(req.email.trim() ? { Email: req.email.trim() } : {}),
    ...(req.phone.trim() ? { Phone: req.phone.trim() } : {}),
  };
}

/** A lead or contact an earlier attempt of this effect created: same Email (else LastName and Phone), created since it started. */
async function findOwnPerson(
  crm: SalesforceService,
  object: Person,
  req: LeadRequest,
  ctx: CallContext,
  since: number,
  budget: Budget,
): Promise<Extract<Created, { kind: 'created' }> | undefined> {
  const person = personFields(req, ctx);
  const where = person['Email']
    ? [`Email = ${soqlString(person['Email'])}`]
    : [`LastName = ${soqlString(person['LastName'] ?? UNKNOWN_NAME)}`, ...(person['Phone'] ? [`Phone = ${soqlString(person['Phone'])}`] : [])];
  where.push(`CreatedDate >= ${soqlDateTime(since)}`);
  const [id] = await soqlIds(crm, `SELECT Id FROM ${object} WHERE ${soqlAll(where)} ORDER BY CreatedDate LIMIT 1`, budget);
  return id ? { kind: 'created', id } : undefined;
}

/** Accounts are found by Name: the name is their natural key, so one whose create lost its answer is found by the same look-up. */
async function findOrCreateAccount(crm: SalesforceService, name: string, budget: Budget): Promise<Created> {
  const find = async (): Promise<Created | undefined> => {
    const [id] = await soqlIds(crm, `SELECT Id FROM Account WHERE Name = ${soqlString(name)} ORDER BY CreatedDate LIMIT 1`, budget);
    return id ? { kind: 'created', id } : undefined;
  };
  const existing = await find();
  if (existing) return existing;
  const result = await createOnce({ create: () => insertRecord(crm, 'Account', { Name: name }, budget), findOwn: find }, false);
  return result.kind === 'duplicate' && result.id ? { kind: 'created', id: result.id } : result;
}

/** The contact's role on the opportunity (primary), unless it already has one. */
async function addContactRole(crm: SalesforceService, opportunityId: string, contactId: string, budget: Budget): Promise<Created> {
  const find = async (): Promise<Created | undefined> => {
    const where = `OpportunityId = ${soqlString(opportunityId)} AND ContactId = ${soqlString(contactId)}`;
    const [id] = await soqlIds(crm, `SELECT Id FROM OpportunityContactRole WHERE ${where} LIMIT 1`, budget);
    return id ? { kind: 'created', id } : undefined;
  };
  const existing = await find();
  if (existing) return existing;
  return createOnce(
    {
      create: () => insertRecord(crm, 'OpportunityContactRole', { OpportunityId: opportunityId, ContactId: contactId, IsPrimary: true }, budget),
      findOwn: find,
    },
    false,
  );
}

function toOutcome(result: Created, what: string, note?: string): Outcome {
  switch (result.kind) {
    case 'created':
      return success({ id: result.id }, note);
    case 'duplicate':
      return failure(`Salesforce refused the ${what} as a duplicate: ${result.message}`);
    case 'refused':
      return failure(`Salesforce refused the ${what}: ${result.message}`);
  }
}

import { alreadyExists, failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { ContactRequest, DealRequest, LeadRequest } from '../../vocabulary/requests.ts';
import type { CallContext, CrmConnector } from '../../vocabulary/roles.ts';
import type { Budget } from '../remote/budget.ts';
import { createOnce } from '../remote/create-once.ts';
import { lookupSince } from '../remote/lookup-since.ts';
import { named } from './account.ts';
import {
  ASSOCIATION,
  association,
  contactByEmail,
  contactIdByEmail,
  createObject,
  findSettled,
  searchFirst,
  searchOwn,
  type CreateResult,
  type Filter,
} from './objects.ts';
import { contactProperties, extraProperties } from './person.ts';
import { budgetFor, type HubSpotService } from './service.ts';

/**
 * HubSpot's CRM: a lead is a contact with lifecycle stage `lead`; a contact is a contact with its
 * company associated; a deal is in the pipeline of the stage the block names, associated with the
 * contact. Contacts are never created twice for one email: HubSpot itself refuses a second one
 * (409 "Contact already exists. Existing ID: N"), and a look-up after a lost answer reads the
 * contact by email directly (exact and immediate).
 */
export function createHubSpotCrm(service: HubSpotService): CrmConnector {
  const { api } = service;

  async function createPerson(
    req: LeadRequest,
    ctx: CallContext,
    fields: Record<string, string>,
    extra: Record<string, string>,
    associations: unknown[],
    budget: Budget,
  ): Promise<CreateResult> {
    const email = req.email.trim();
    const since = lookupSince(ctx, api.clock.now());
    const record = { ...fields, ...contactProperties(req, ctx), ...extra };
    // After a lost answer, the contact with this email is ours only when it was created since the
    // effect started; an older one was there before (a duplicate, as HubSpot's 409 would say).
    const findOwn = async (): Promise<CreateResult | undefined> => {
      if (email === '') {
        const id = await searchOwn(api, 'contacts', [personFilters(record, since)], budget);
        return id ? { kind: 'created', id } : undefined;
      }
      const found = await contactByEmail(api, email, budget);
      if (!found) return undefined;
      return found.createdAt >= since
        ? { kind: 'created', id: found.id }
        : { kind: 'duplicate', id: found.id, message: `a contact with ${email} was already there` };
    };
    return createOnce({ create: () => createObject(api, 'contacts', record, associations, budget), findOwn }, ctx.retryOfUnknown === true);
  }

  return {
    async createLead(req: LeadRequest, ctx: CallContext): Promise<Outcome> {
      const budget = budgetFor(service, ctx);
      const email = req.email.trim();
      // Any contact with that email is already the visitor's record: HubSpot keeps one contact per email.
      if (email !== '' && !ctx.retryOfUnknown) {
        const existing = await contactIdByEmail(api, email, budget);
        if (existing) return alreadyExists(existing, `HubSpot already has a contact with ${email}`);
      }
      const fields = await extraProperties(service, 'contacts', req.fields, budget);
      const result = await createPerson(
        req,
        ctx,
        fields.properties,
        { lifecyclestage: 'lead', ...(req.company.trim() ? { company: req.company.trim() } : {}) },
        [],
        budget,
      );
      switch (result.kind) {
        case 'created':
          return success({ id: result.id }, fields.note);
        case 'duplicate':
          return alreadyExists(result.id, `HubSpot already has this contact (${result.message})`);
        case 'refused':
          return failure(`HubSpot refused the lead: ${result.message}`);
      }
    },

    async createContact(req: ContactRequest, ctx: CallContext): Promise<Outcome> {
      const budget = budgetFor(service, ctx);
      const email = req.email.trim();
      // crm.contact associates the visitor with a contact: an existing one is success with its id.
      if (email !== '') {
        const existing = await contactIdByEmail(api, email, budget);
        if (existing) return success({ id: existing });
      }
      // The properties first: a listing that fails leaves no company behind.
      const fields = await extraProperties(service, 'contacts', req.fields, budget);
      const company = req.company.trim();
      let companyId: string | undefined;
      if (company !== '') {
        const found = await findOrCreateCompany(service, company, email, budget);
        if (found.kind === 'refused') return failure(`HubSpot refused the contact's company "${company}": ${found.message}`);
        companyId = found.id;
      }
      const result = await createPerson(
        req,
        ctx,
        fields.properties,
        company !== '' ? { company } : {},
        companyId ? [association(companyId, ASSOCIATION.contactToCompany)] : [],
        budget,
      );
      switch (result.kind) {
        case 'created':
          return success({ id: result.id }, fields.note);
        case 'duplicate':
          return success({ id: result.id });
        case 'refused':
          return failure(`HubSpot refused the contact: ${result.message}`);
      }
    },

    async createDeal(req: DealRequest, ctx: CallContext): Promise<Outcome> {
      const amountText = req.amount.replace(/,/g, '').trim();
      const amount = amountText === '' ? undefined : Number(amountText);
      if (amount !== undefined && !Number.isFinite(amount)) return failure(`the deal amount "${req.amount}" is not a number`);
      const budget = budgetFor(service, ctx);
      const since = lookupSince(ctx, api.clock.now());
      // A deal's stage belongs to one pipeline: the stage the block names (by label or id) decides both.
      const wanted = req.stage.trim();
      let pipeline: string | undefined;
      let dealstage: string | undefined;
      if (wanted !== '') {
        const find = async () => {
          const pipelines = await service.directory.dealPipelines.all(budget);
          for (const p of pipelines) {
            const stage = named(p.stages, wanted, (s) => [s.id, s.label]);
            if (stage) return { pipeline: p.id, dealstage: stage.id };
          }
          return undefined;
        };
        let hit = await find();
        if (!hit) {
          service.directory.dealPipelines.forget();
          hit = await find();
        }
        if (!hit) return failure(`HubSpot has no deal stage "${wanted}" in any deal pipeline`);
        ({ pipeline, dealstage } = hit);
      } else {
        const [first] = await service.directory.dealPipelines.all(budget);
        const stage = first?.stages[0];
        if (!first || !stage) return failure('HubSpot has no deal pipeline with a stage to put the deal in');
        pipeline = first.id;
        dealstage = stage.id;
      }
      const name = req.name.trim();
      const closing = req.closingDate.trim();
      const fields = await extraProperties(service, 'deals', req.fields, budget);
      const properties: Record<string, string> = {
        ...fields.properties,
        ...(name ? { dealname: name } : {}),
        pipeline,
        dealstage,
        // closedate is a datetime property: midnight UTC of the day the block gives.
        ...(closing ? { closedate: /^\d{4}-\d{2}-\d{2}$/.test(closing) ? `${closing}T00:00:00.000Z` : closing } : {}),
        ...(amount !== undefined ? { amount: String(amount) } : {}),
      };
      const contactId = req.contactId.trim();
      const associations = contactId ? [association(contactId, ASSOCIATION.dealToContact)] : [];
      // Deals have no natural key: ours is the deal with this name in this stage created since the
      // effect started (search, which may trail the create by seconds: see objects.ts).
      const findOwn = async (): Promise<CreateResult | undefined> => {
        const filters: Filter[] = [
          { propertyName: 'dealname', operator: 'EQ', value: name },
          { propertyName: 'dealstage', operator: 'EQ', value: dealstage! },
          { propertyName: 'createdate', operator: 'GTE', value: String(since) },
        ];
        const id = await searchOwn(api, 'deals', [filters], budget);
        return id ? { kind: 'created', id } : undefined;
      };
      const result = await createOnce({ create: () => createObject(api, 'deals', properties, associations, budget), findOwn }, ctx.retryOfUnknown === true);
      switch (result.kind) {
        case 'created':
          return success({ id: result.id }, fields.note);
        case 'duplicate':
          return failure(`HubSpot refused the deal: ${result.message}`);
        case 'refused':
          return failure(`HubSpot refused the deal: ${result.message}`);
      }
    },
  };
}

/** A contact without an email is ours when its name (and phone) match and it was created since the effect started. */
function personFilters(record: Record<string, string>, since: number): Filter[] {
  return [
    ...(['lastname', 'firstname', 'phone'] as const).flatMap((p) => (record[p] ? [{ propertyName: p, operator: 'EQ' as const, value: record[p] }] : [])),
    { propertyName: 'createdate', operator: 'GTE', value: String(since) },
  ];
}

/** The email's domain, unless it is a mailbox provider's (a gmail.com address says nothing of the company). */
const MAILBOX_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.jp',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'docomo.ne.jp',
  'ezweb.ne.jp',
  'softbank.ne.jp',
]);
function companyDomain(email: string): string | undefined {
  const domain = email.split('@')[1]?.trim().toLowerCase();
  return domain && domain.includes('.') && !MAILBOX_DOMAINS.has(domain) ? domain : undefined;
}

/**
 * The contact's company: one named so (HubSpot's `name`), else one at the email's domain, else a
 * new one. A company whose create lost its answer is found again by the same search (waiting
 * once for HubSpot's search index when it misses).
 */
async function findOrCreateCompany(service: HubSpotService, name: string, email: string, budget: Budget): Promise<CreateResult> {
  const { api } = service;
  const domain = companyDomain(email);
  const find = async (): Promise<CreateResult | undefined> => {
    const byName = await searchFirst(api, 'companies', [[{ propertyName: 'name', operator: 'EQ', value: name }]], budget);
    const id = byName ?? (domain ? await searchFirst(api, 'companies', [[{ propertyName: 'domain', operator: 'EQ', value: domain }]], budget) : undefined);
    return id ? { kind: 'created', id } : undefined;
  };
  const existing = await find();
  if (existing) return existing;
  // After a lost answer the company may be too new for search: a miss waits for the index once,
  // as deals and tickets do, rather than creating it again.
  return createOnce(
    { create: () => createObject(api, 'companies', { name, ...(domain ? { domain } : {}) }, [], budget), findOwn: () => findSettled(api, budget, find) },
    false,
  );
}

import { assigneeInvalid, departmentInvalid, failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { TicketRequest } from '../../vocabulary/requests.ts';
import type { CallContext, HelpdeskConnector } from '../../vocabulary/roles.ts';
import type { Budget } from '../remote/budget.ts';
import type { CachedList } from '../remote/cached-list.ts';
import { createOnce } from '../remote/create-once.ts';
import { lookupSince } from '../remote/lookup-since.ts';
import { named, type Option, type Owner, type Pipeline } from './account.ts';
import { ASSOCIATION, association, contactIdByEmail, createObject, searchOwn, type CreateResult } from './objects.ts';
import { contactProperties } from './person.ts';
import { budgetFor, type HubSpotService } from './service.ts';

/**
 * HubSpot tickets: the block's department is a ticket pipeline (`hs_pipeline`), its status a stage
 * of that pipeline (`hs_pipeline_stage`; the pipeline's first stage when none is given), priority
 * `hs_ticket_priority`, classification `hs_ticket_category`, assignee the owner
 * (`hubspot_owner_id`), each named by label or internal value; `source_type` CHAT; the visitor is
 * the contact associated with it (found by email, or created). HubSpot tickets have no number apart
 * from their id (`hs_ticket_id` is the record id), so the id is the ticket number too.
 */
export function createHubSpotTickets(service: HubSpotService): HelpdeskConnector {
  const { api, directory } = service;

  /** A cached item by name; on a miss the list is fetched again (at most every few seconds). */
  async function find<T>(list: CachedList<T>, name: string, keys: (item: T) => readonly string[], budget: Budget): Promise<T | undefined> {
    const wanted = name.trim().toLowerCase();
    return list.find((item) => keys(item).some((k) => k.trim().toLowerCase() === wanted), budget);
  }

  return {
    async createTicket(req: TicketRequest, ctx: CallContext): Promise<Outcome> {
      const budget = budgetFor(service, ctx);
      const since = lookupSince(ctx, api.clock.now());
      const department = req.department.trim();
      let pipeline: Pipeline | undefined;
      if (department !== '') {
        pipeline = await find(directory.ticketPipelines, department, (p) => [p.id, p.label], budget);
        if (!pipeline) return departmentInvalid(`HubSpot has no ticket pipeline "${department}" (the department), or it was deleted`);
      } else {
        [pipeline] = await directory.ticketPipelines.all(budget);
        if (!pipeline) return failure('HubSpot has no ticket pipeline to put the ticket in');
      }
      const status = req.status.trim();
      const stage = status === '' ? pipeline.stages[0] : named(pipeline.stages, status, (s) => [s.id, s.label]);
      if (!stage) return failure(`the ticket pipeline "${pipeline.label}" has no stage "${status}" (the status)`);
      const option = async (list: CachedList<Option>, value: string, what: string): Promise<string | Outcome | undefined> => {
        if (value.trim() === '') return undefined;
        const hit = await find(list, value, (o) => [o.value, o.label], budget);
        return hit ? hit.value : failure(`HubSpot has no ticket ${what} "${value.trim()}"`);
      };
      const priority = await option(directory.priorities, req.priority, 'priority');
      if (typeof priority === 'object') return priority;
      const category = await option(directory.categories, req.classification, 'category (the classification)');
      if (typeof category === 'object') return category;
      const assignee = req.assignee.trim();
      let owner: Owner | undefined;
      if (assignee !== '') {
        // Active owners only: a deactivated user's owner is archived, and HubSpot refuses it as an owner.
        owner = await find(directory.owners, assignee, (o) => [o.id, o.email], budget);
        if (!owner) return assigneeInvalid(`HubSpot has no active owner "${assignee}" (the assignee)`);
      }

      const contactId = await visitorContact(service, req, ctx, budget);
      if (typeof contactId === 'object') return contactId;

      const subject = req.subject.trim() || 'Chat';
      const properties: Record<string, string> = {
        subject,
        ...(req.description.trim() ? { content: req.description.trim() } : {}),
        hs_pipeline: pipeline.id,
        hs_pipeline_stage: stage.id,
        ...(priority ? { hs_ticket_priority: priority } : {}),
        ...(category ? { hs_ticket_category: category } : {}),
        ...(owner ? { hubspot_owner_id: owner.id } : {}),
        source_type: 'CHAT',
      };
      const associations = contactId ? [association(contactId, ASSOCIATION.ticketToContact)] : [];
      const findOwn = async (): Promise<CreateResult | undefined> => {
        const id = await searchOwn(
          api,
          'tickets',
          [
            [
              { propertyName: 'subject', operator: 'EQ', value: subject },
              { propertyName: 'hs_pipeline', operator: 'EQ', value: pipeline.id },
              { propertyName: 'createdate', operator: 'GTE', value: String(since) },
            ],
          ],
          budget,
        );
        return id ? { kind: 'created', id } : undefined;
      };
      const result = await createOnce({ create: () => createObject(api, 'tickets', properties, associations, budget), findOwn }, ctx.retryOfUnknown === true);
      switch (result.kind) {
        case 'created':
          return success({ id: result.id, number: result.id });
        case 'duplicate':
          return failure(`HubSpot refused the ticket: ${result.message}`);
        case 'refused': {
          // The directory was a few minutes old: HubSpot's own word on the pipeline or owner decides.
          const refused = new Set(result.errors.map((e) => e.name));
          if (refused.has('hs_pipeline')) {
            directory.ticketPipelines.forget();
            return departmentInvalid(`HubSpot refused the ticket pipeline "${pipeline.label}" (the department): ${result.message}`);
          }
          // The error code HubSpot gives a deactivated owner is not confirmed (the fake says
          // INVALID_OWNER_ID): the property the error names decides, whatever its code.
          if (refused.has('hubspot_owner_id')) {
            directory.owners.forget();
            return assigneeInvalid(`HubSpot refused the owner "${assignee}" (the assignee): ${result.message}`);
          }
          return failure(`HubSpot refused the ticket: ${result.message}`);
        }
      }
    },
  };
}

/** The visitor's contact id: found by email, else created (a 409 names the one already there); none without email or name. */
async function visitorContact(service: HubSpotService, req: TicketRequest, ctx: CallContext, budget: Budget): Promise<string | undefined | Outcome> {
  const { api } = service;
  const email = req.contact.email.trim();
  const properties = contactProperties(req.contact, ctx);
  if (email !== '') {
    const existing = await contactIdByEmail(api, email, budget);
    if (existing) return existing;
  } else if (!properties['lastname'] && !properties['firstname']) {
    return undefined;
  }
  const created = await createOnce(
    {
      create: () => createObject(api, 'contacts', properties, [], budget),
      findOwn: async () => {
        const id = email !== '' ? await contactIdByEmail(api, email, budget) : undefined;
        return id ? ({ kind: 'created', id } as const) : undefined;
      },
    },
    false,
  );
  if (created.kind === 'refused') return failure(`HubSpot refused the ticket's contact: ${created.message}`);
  return created.id;
}

import { failure, success, type Outcome } from '../../vocabulary/outcome.ts';
import type { SubscribeRequest } from '../../vocabulary/requests.ts';
import type { CallContext, MailingConnector } from '../../vocabulary/roles.ts';
import { createOnce } from '../remote/create-once.ts';
import { ServiceRefusedError } from '../remote/errors.ts';
import { said } from './http.ts';
import { contactIdByEmail, createObject } from './objects.ts';
import { contactProperties } from './person.ts';
import { budgetFor, type HubSpotService } from './service.ts';

/**
 * A subscriber is the visitor's contact (found by email, or created with lifecycle stage
 * `subscriber`) added to a static list (`processingType` MANUAL or SNAPSHOT) with
 * `PUT /crm/v3/lists/{listId}/memberships/add`. Adding is idempotent at HubSpot ("records that are
 * already members of the list are ignored"), so a resend after a lost answer is harmless. An
 * active (DYNAMIC) list takes no records: HubSpot adds its members by its filters.
 */
export function createHubSpotLists(service: HubSpotService): MailingConnector {
  const { api, directory } = service;
  return {
    async subscribe(req: SubscribeRequest, ctx: CallContext): Promise<Outcome> {
      const email = req.email.trim();
      if (email === '') return failure('a subscriber needs an email address');
      const budget = budgetFor(service, ctx);
      const wanted = req.list.trim().toLowerCase();
      const list = await directory.lists.find((l) => l.name.trim().toLowerCase() === wanted || l.listId === req.list.trim(), budget);
      if (!list) return failure(`HubSpot has no contact list "${req.list.trim()}"`);
      if (list.processingType === 'DYNAMIC') {
        return failure(`the HubSpot list "${list.name}" is an active list, whose members HubSpot picks by its filters; use a static list`);
      }
      let contactId = await contactIdByEmail(api, email, budget);
      if (!contactId) {
        const created = await createOnce(
          {
            create: () => createObject(api, 'contacts', { ...contactProperties({ ...req, email }, ctx), lifecyclestage: 'subscriber' }, [], budget),
            findOwn: async () => {
              const id = await contactIdByEmail(api, email, budget);
              return id ? ({ kind: 'created', id } as const) : undefined;
            },
          },
          ctx.retryOfUnknown === true,
        );
        if (created.kind === 'refused') return failure(`HubSpot refused the subscriber's contact: ${created.message}`);
        contactId = created.id;
      }
      const res = await api.send({ method: 'PUT', path: `/crm/v3/lists/${encodeURIComponent(list.listId)}/memberships/add`, json: [contactId] }, budget);
      if (res.status === 404) {
        directory.lists.forget();
        return failure(`the HubSpot list "${list.name}" no longer exists`);
      }
      if (res.status >= 300) {
        if (res.status >= 400 && res.status < 500)
          return failure(`HubSpot refused to add the contact to the list "${list.name}": ${said(res.status, res.body)}`);
        throw new ServiceRefusedError(`HubSpot answered the list membership with HTTP ${res.status}`);
      }
      const missing = (res.body as { recordIdsMissing?: unknown } | null)?.recordIdsMissing;
      if (Array.isArray(missing) && missing.map(String).includes(contactId)) {
        return failure(`HubSpot did not find the contact ${contactId} to add to the list "${list.name}"`);
      }
      return success({ status: 'subscribed' });
    },
  };
}

import type { LeadRequest } from '../../vocabulary/requests.ts';
import type { CallContext } from '../../vocabulary/roles.ts';
import type { Budget } from '../remote/budget.ts';
import { leftOutNote, splitFields } from '../remote/left-out-fields.ts';
import { splitPersonName } from '../remote/person-name.ts';
import { propertyFields, type Property, type PropertyObject } from './properties.ts';
import type { HubSpotService } from './service.ts';

/**
 * A visitor as HubSpot contact properties. HubSpot needs one of email, firstname or lastname, none
 * mandatory by itself, so a visitor who gave no name is left without one (not "Unknown").
 */
export function contactProperties(
  person: { readonly name: string; readonly email: string; readonly phone: string },
  ctx: Pick<CallContext, 'locale'>,
): Record<string, string> {
  const { lastName, firstName } = splitPersonName(person.name, ctx.locale);
  return {
    ...(lastName ? { lastname: lastName } : {}),
    ...(firstName ? { firstname: firstName } : {}),
    ...(person.email.trim() ? { email: person.email.trim() } : {}),
    ...(person.phone.trim() ? { phone: person.phone.trim() } : {}),
  };
}

/**
 * A block's extra `fields` as properties of the contact or deal: those the account has and takes a
 * value for (./properties.ts: its custom properties too, read from HubSpot and cached with the
 * pipelines), and the integration log's note on those left out — a name the object lacks
 * (`Lead_Source`: HubSpot sets its source properties itself) or one HubSpot will not take a value
 * for (read-only, calculated). Leaving them out lets a bot written for another CRM run here.
 */
export async function extraProperties(
  service: HubSpotService,
  type: PropertyObject,
  fields: LeadRequest['fields'],
  budget: Budget,
): Promise<{ properties: Record<string, string>; note?: string }> {
  if (Object.values(fields).every((v) => v.trim() === '')) return { properties: {} };
  const list = service.directory.properties[type];
  let split = splitWith(fields, type, await list.all(budget));
  if (split.left.length > 0) {
    // A property made in HubSpot since the list was read: read it again (at most once per refetch
    // interval). Best effort: with the list already in hand, a failed re-read must not fail the block.
    const again = await list
      .find(() => false, budget)
      .then(() => list.all(budget))
      .catch(() => undefined);
    if (again) split = splitWith(fields, type, again);
  }
  const note = leftOutNote('HubSpot', type.replace(/s$/, ''), split.left, split.readOnly);
  return note ? { properties: split.sent, note } : { properties: split.sent };
}

function splitWith(fields: LeadRequest['fields'], type: PropertyObject, properties: readonly Property[]) {
  const object = propertyFields(type, properties);
  return splitFields(fields, object.resolve, object.readOnly);
}

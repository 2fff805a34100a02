import type { LeadRequest } from '../../vocabulary/requests.ts';
import type { CallContext } from '../../vocabulary/roles.ts';
import type { ObjectFields } from '../provider.ts';
import { leftOutNote, splitFields } from '../remote/left-out-fields.ts';
import { splitPersonName } from '../remote/person-name.ts';

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
 * A block's extra `fields` as contact properties. Bots name fields the way their first CRM did
 * (`Lead_Source`, `Description`): a field is sent when it names a contact property HubSpot has by
 * default, its internal name (`jobtitle`) or the same name lower-cased without underscores
 * (`Job_Title` → `jobtitle`); Zoho's `Description` goes to `message`. Anything else is left out
 * (docs/integrations.md says so), so a bot written for another CRM still creates its record here.
 * HubSpot has no writable "lead source" on contacts (its source properties are set by HubSpot
 * itself), so `Lead_Source` is one of those left out.
 */
const CONTACT_FIELDS = new Set([
  'firstname',
  'lastname',
  'email',
  'phone',
  'mobilephone',
  'company',
  'website',
  'jobtitle',
  'city',
  'country',
  'message',
  'hs_lead_status',
]);
const ALIASES: Readonly<Record<string, string>> = { description: 'message', mobile: 'mobilephone', title: 'jobtitle', designation: 'jobtitle' };

/**
 * Deal properties HubSpot has by default that a bot may set beyond name, stage, closing date and
 * amount (the block's own inputs), matched the same way as the contact's.
 */
const DEAL_FIELDS = new Set(['dealtype', 'description']);

function resolver(known: ReadonlySet<string>, aliases: Readonly<Record<string, string>>): (name: string) => string | undefined {
  return (key) => {
    const plain = key.toLowerCase().replace(/_/g, '');
    return known.has(key) ? key : known.has(plain) ? plain : aliases[plain];
  };
}

/** What HubSpot's contacts and deals take of a block's `fields:` (publishing checks with these too). */
export const HUBSPOT_FIELDS: Readonly<Record<'contact' | 'deal', ObjectFields>> = {
  contact: { object: 'contact', names: [...CONTACT_FIELDS], resolve: resolver(CONTACT_FIELDS, ALIASES) },
  deal: { object: 'deal', names: [...DEAL_FIELDS], resolve: resolver(DEAL_FIELDS, {}) },
};

/** A block's extra `fields` as properties of the object, and the integration log's note on those left out. */
export function extraProperties(object: 'contact' | 'deal', fields: LeadRequest['fields']): { properties: Record<string, string>; note?: string } {
  const { sent, left } = splitFields(fields, HUBSPOT_FIELDS[object].resolve);
  const note = leftOutNote('HubSpot', object, left);
  return note ? { properties: sent, note } : { properties: sent };
}

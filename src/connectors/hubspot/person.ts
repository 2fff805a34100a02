import type { LeadRequest } from '../../vocabulary/requests.ts';
import type { CallContext } from '../../vocabulary/roles.ts';
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

export function extraContactProperties(fields: LeadRequest['fields']): { properties: Record<string, string>; left: string[] } {
  const properties: Record<string, string> = {};
  const left: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const plain = key.toLowerCase().replace(/_/g, '');
    const name = CONTACT_FIELDS.has(key) ? key : CONTACT_FIELDS.has(plain) ? plain : ALIASES[plain];
    if (name && value.trim() !== '') properties[name] = value;
    else if (!name) left.push(key);
  }
  return { properties, left };
}

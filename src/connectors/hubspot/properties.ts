import { z } from 'zod';
import type { ObjectFields } from '../provider.ts';
import type { Budget } from '../remote/budget.ts';
import { ServiceRefusedError } from '../remote/errors.ts';
import { said, type HubSpotApi } from './http.ts';

/**
 * One property as `GET /crm/v3/properties/{objectType}` lists it (HubSpot's reference "Read all
 * properties": `{results: [{name, label, hidden, calculated, modificationMetadata: {readOnlyValue,
 * …}, …}]}`, live properties only unless `archived=true`). The Properties guide lists the scopes of
 * which any one grants the read, the objects' read scopes among them — the crm role's
 * `crm.objects.contacts.read` and `crm.objects.deals.read`; that these suffice for each object type
 * is not confirmed on the reference page (the role is not asked for `crm.schemas.*.read`).
 */
const propertiesAnswer = z.looseObject({
  results: z.array(
    z.looseObject({
      name: z.string().min(1),
      archived: z.boolean().optional(),
      calculated: z.boolean().optional(),
      modificationMetadata: z.looseObject({ readOnlyValue: z.boolean().optional() }).optional(),
    }),
  ),
});

export interface Property {
  readonly name: string;
  /**
   * False when HubSpot refuses a value for it (READ_ONLY_VALUE): `readOnlyValue`, or `calculated`
   * (a calculation property; the reference does not say its readOnlyValue is always true, so
   * either is taken to mean read-only). `readOnlyDefinition` is not: it guards the property's
   * definition (true for HubSpot's own, `firstname` among them), not its values. `hidden` only hides
   * a property in HubSpot's own UI, so a hidden property is written like any other (not confirmed
   * by the reference either).
   */
  readonly writable: boolean;
}

export type PropertyObject = 'contacts' | 'deals';

/** The account's properties of contacts or deals, HubSpot's own and its custom ones. */
export function readProperties(api: HubSpotApi, type: PropertyObject): (budget: Budget) => Promise<Property[]> {
  return async (budget) => {
    const res = await api.send({ method: 'GET', path: `/crm/v3/properties/${type}` }, budget);
    const parsed = propertiesAnswer.safeParse(res.body);
    if (res.status >= 300 || !parsed.success) throw new ServiceRefusedError(`HubSpot refused to list the ${type} properties: ${said(res.status, res.body)}`);
    return parsed.data.results
      .filter((p) => p.archived !== true)
      .map((p) => ({ name: p.name, writable: p.calculated !== true && p.modificationMetadata?.readOnlyValue !== true }));
  };
}

/**
 * Other CRMs' names for a contact property (Zoho's `Description`, `Mobile`, `Title`,
 * `Designation`), matched after the account's own names.
 */
const ALIASES: Readonly<Record<PropertyObject, Readonly<Record<string, string>>>> = {
  contacts: { description: 'message', mobile: 'mobilephone', title: 'jobtitle', designation: 'jobtitle' },
  deals: {},
};

const squeeze = (name: string): string => name.toLowerCase().replace(/_/g, '');

/**
 * A block's extra `fields:` name, as the property of the account it is sent as: the property of
 * that name ignoring case (HubSpot's internal names are lower case: `favorite_color`), else the one
 * whose name is the same without underscores (`Job_Title` → `jobtitle`), else an alias above.
 */
function matcher(names: readonly string[], aliases: Readonly<Record<string, string>>): (name: string) => string | undefined {
  const lower = new Map<string, string>();
  const squeezed = new Map<string, string>();
  for (const n of names) {
    if (!lower.has(n.toLowerCase())) lower.set(n.toLowerCase(), n);
    if (!squeezed.has(squeeze(n))) squeezed.set(squeeze(n), n);
  }
  return (name) => {
    const alias = aliases[squeeze(name)];
    return lower.get(name.toLowerCase()) ?? squeezed.get(squeeze(name)) ?? (alias === undefined ? undefined : lower.get(alias));
  };
}

/**
 * What the contact or deal takes of a block's `fields:`: the writable properties (sent), and the
 * read-only ones a name matches (left out, and said to be read-only rather than missing).
 */
export function propertyFields(type: PropertyObject, properties: readonly Property[]): ObjectFields {
  const writable = properties.filter((p) => p.writable).map((p) => p.name);
  const readOnly = properties.filter((p) => !p.writable).map((p) => p.name);
  return { object: type.replace(/s$/, ''), names: writable, resolve: matcher(writable, ALIASES[type]), readOnly: matcher(readOnly, {}) };
}

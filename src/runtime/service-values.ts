import { fieldEntries, PORT } from '../blocks/block.ts';
import { BLOCKS } from '../blocks/index.ts';
import type { Providers } from '../connectors/registry.ts';
import type { Bot } from '../flow/bot-schema.ts';
import type { LineOf } from '../flow/lines.ts';
import { nearest } from '../flow/suggest.ts';
import type { CrmRecord } from '../connectors/provider.ts';
import { getIntegration, type DecryptSecrets } from '../store/integrations.ts';
import type { Store } from '../store/store.ts';
import type { Locale } from '../vocabulary/locales.ts';
import { parseTemplate } from '../vocabulary/merge-fields.ts';
import type { Role } from '../vocabulary/roles.ts';
import type { ServiceFieldRef } from '../vocabulary/service-fields.ts';
import { en } from './messages/service-values.en.ts';
import { ja } from './messages/service-values.ja.ts';

/**
 * Publishing checks a block's literal values against the connected service (DESIGN.md, "Connecting
 * a service"). The rule for which fields are restrictive: a field is checked when its declaration
 * names a `values` source (SERVICE_FIELDS: stage, source, status, priority, classification,
 * department, assignee, list) and the provider listed that field as the service's own word — each
 * of those lists is authoritative, a value outside it is refused or mis-stored when the block runs.
 * A field the provider did not list (the built-in CRM takes any stage), or listed only as defaults
 * it could not confirm (`OfferedValues.guessed`), is not refused. A merge field is checked when the
 * block runs, as before. When the service cannot be asked, publishing goes ahead with a warning.
 *
 * A CRM block's extra `fields:` name fields of the service's object. One the object does not have
 * is a warning, never a refusal: the connectors leave it out so a bot written for one CRM runs
 * unchanged on another, but a typo'd custom field would otherwise be lost unseen. The provider
 * says what its connector sends (Provider.crmFields); when it cannot be asked, nothing is said of
 * fields (the values' warning says the service could not be asked).
 *
 * Given the version's text (`lineOf`, flow/lines.ts sourceLines), each problem names the line of
 * its value in the file, as the upload's problems do.
 */
export interface ServiceValueProblem {
  readonly severity: 'error' | 'warning';
  readonly code: 'service_value_unknown' | 'service_values_unavailable' | 'service_field_unknown';
  readonly message: string;
  readonly block: string;
  readonly field: string;
  /** The line of the offending value in the version's bot file (null when no source was given). */
  readonly line: number | null;
  readonly params: ServiceValueParams;
}

export type ServiceValueParams =
  | {
      readonly kind: 'unknown';
      readonly value: string;
      readonly role: Role;
      readonly provider: string;
      readonly offered: readonly string[];
      readonly suggestion: string | null;
    }
  | { readonly kind: 'unavailable'; readonly value: string; readonly role: Role; readonly provider: string; readonly reason: string }
  | { readonly kind: 'unknown_field'; readonly name: string; readonly object: string; readonly provider: string; readonly suggestion: string | null }
  | { readonly kind: 'read_only_field'; readonly name: string; readonly field: string; readonly object: string; readonly provider: string };

/** The messages of one locale (per-locale files in ./messages). */
export type ServiceValueCatalog = (p: ServiceValueParams) => string;

const CATALOGS: Readonly<Record<Locale, ServiceValueCatalog>> = { en, ja };

export const serviceValueMessage = (p: ServiceValueProblem, locale: Locale = 'en'): string => CATALOGS[locale](p.params);

const noLines: LineOf = () => null;

/** A literal the block sends as written: no merge field in it. */
const literalOf = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' && parseTemplate(value).every((part) => typeof part === 'string') ? value : null;

interface Use {
  readonly block: string;
  readonly field: string;
  readonly value: string;
  readonly ref: ServiceFieldRef;
}

/** Every block field with a values source that holds a literal. */
function literalUses(bot: Bot): Use[] {
  const uses: Use[] = [];
  for (const [id, block] of Object.entries(bot.blocks)) {
    for (const [key, decl] of fieldEntries(BLOCKS[block.type].fields)) {
      if (decl === PORT || decl.values === undefined) continue;
      const value = literalOf((block as Readonly<Record<string, unknown>>)[key]);
      if (value !== null) uses.push({ block: id, field: key, value, ref: decl.values });
    }
  }
  return uses;
}

type Listed =
  | {
      readonly ok: true;
      readonly provider: string;
      readonly fields: ReadonlyMap<string, { readonly shown: readonly string[]; readonly accepted: ReadonlySet<string> }>;
    }
  | { readonly ok: false; readonly provider: string; readonly reason: string }
  | null;

/**
 * A field's values as the connectors accept them: the value and label case-insensitively (the
 * connectors resolve names that way), plus the other spellings the provider says it takes (ids).
 */
async function listRole(role: Role, store: Store, providers: Providers, decrypt: DecryptSecrets): Promise<Listed> {
  let integration;
  try {
    integration = await getIntegration(store.db, role, decrypt);
  } catch (error) {
    const stored = await getIntegration(store.db, role);
    return {
      ok: false,
      provider: stored?.provider ?? '?',
      reason: `its credentials cannot be decrypted (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  // No integration for the role: the block takes its integration_invalid port when it runs, which the builder already shows.
  if (!integration) return null;
  const provider = providers[integration.provider];
  if (!provider?.listValues) return null;
  try {
    const offered = await provider.listValues(role, integration);
    const fields = new Map<string, { shown: string[]; accepted: Set<string> }>();
    for (const [field, values] of Object.entries(offered.fields)) {
      if (!values || offered.guessed?.includes(field)) continue;
      const accepted = new Set(values.flatMap((v) => [v.value, v.label]).map((s) => s.trim().toLowerCase()));
      for (const other of offered.accepts?.[field] ?? []) accepted.add(other.trim().toLowerCase());
      fields.set(field, { shown: values.map((v) => v.value), accepted });
    }
    return { ok: true, provider: integration.provider, fields };
  } catch (error) {
    return { ok: false, provider: integration.provider, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The problems of a bot's literal service values: errors (a value the service does not have) and
 * warnings (the service could not be asked). Each role is asked once, from the providers' caches —
 * the values the builder's dropdowns offer.
 */
export async function checkServiceValues(
  bot: Bot,
  deps: { readonly store: Store; readonly providers: Providers; readonly decrypt: DecryptSecrets },
  lineOf: LineOf = noLines,
): Promise<ServiceValueProblem[]> {
  const uses = literalUses(bot);
  const roles = [...new Set(uses.map((u) => u.ref.role))];
  const listed = new Map(await Promise.all(roles.map(async (role) => [role, await listRole(role, deps.store, deps.providers, deps.decrypt)] as const)));
  const out: ServiceValueProblem[] = [];
  const make = (use: Use, severity: ServiceValueProblem['severity'], params: ServiceValueParams): ServiceValueProblem => ({
    severity,
    code: params.kind === 'unknown' ? 'service_value_unknown' : 'service_values_unavailable',
    message: en(params),
    block: use.block,
    field: use.field,
    line: lineOf(['blocks', use.block, use.field]),
    params,
  });
  out.push(...(await fieldProblems(bot, deps, lineOf)));
  for (const use of uses) {
    const role = listed.get(use.ref.role);
    if (!role) continue;
    if (!role.ok) {
      out.push(make(use, 'warning', { kind: 'unavailable', value: use.value, role: use.ref.role, provider: role.provider, reason: role.reason }));
      continue;
    }
    const field = role.fields.get(use.ref.field);
    if (!field || field.accepted.has(use.value.trim().toLowerCase())) continue;
    out.push(
      make(use, 'error', {
        kind: 'unknown',
        value: use.value,
        role: use.ref.role,
        provider: role.provider,
        offered: field.shown,
        suggestion: nearest(use.value, field.shown),
      }),
    );
  }
  return out;
}

const RECORD_OF: Readonly<Record<string, CrmRecord>> = { 'crm.lead': 'lead', 'crm.contact': 'contact', 'crm.deal': 'deal' };

/** The extra `fields:` names of each CRM block. */
function fieldUses(bot: Bot): { readonly block: string; readonly record: CrmRecord; readonly names: readonly string[] }[] {
  return Object.entries(bot.blocks).flatMap(([id, block]) => {
    const record = RECORD_OF[block.type];
    const fields = (block as { readonly fields?: Readonly<Record<string, string>> }).fields;
    return record && fields && Object.keys(fields).length > 0 ? [{ block: id, record, names: Object.keys(fields) }] : [];
  });
}

/** Squeezed for comparing names across CRMs' spellings: `Lead_Source`, `leadsource`, `LeadSource`. */
const squeezed = (name: string): string => name.toLowerCase().replace(/[_\s-]/g, '');

/** The object's field most likely meant: the same name spelt another way, else a near one. */
export function suggestField(name: string, names: readonly string[]): string | null {
  const same = names.find((n) => squeezed(n) === squeezed(name));
  if (same !== undefined) return same;
  const near = nearest(squeezed(name), names.map(squeezed));
  return near === null ? nearest(name, names) : (names.find((n) => squeezed(n) === near) ?? null);
}

/** Warnings for `fields:` names the connected CRM's objects do not have. */
async function fieldProblems(
  bot: Bot,
  deps: { readonly store: Store; readonly providers: Providers; readonly decrypt: DecryptSecrets },
  lineOf: LineOf,
): Promise<ServiceValueProblem[]> {
  const uses = fieldUses(bot);
  if (uses.length === 0) return [];
  let objects;
  let provider: string;
  try {
    const integration = await getIntegration(deps.store.db, 'crm', deps.decrypt);
    const found = integration ? deps.providers[integration.provider] : undefined;
    if (!integration || !found?.crmFields) return [];
    provider = integration.provider;
    objects = await found.crmFields(integration);
  } catch {
    // Not reachable or unreadable credentials: the values' check warns of that, and the block itself still runs.
    return [];
  }
  const out: ServiceValueProblem[] = [];
  for (const use of uses) {
    const object = objects[use.record];
    for (const name of use.names) {
      if (object.resolve(name) !== undefined) continue;
      const readOnly = object.readOnly?.(name);
      const params: ServiceValueParams =
        readOnly === undefined
          ? { kind: 'unknown_field', name, object: object.object, provider, suggestion: suggestField(name, object.names) }
          : { kind: 'read_only_field', name, field: readOnly, object: object.object, provider };
      out.push({
        severity: 'warning',
        code: 'service_field_unknown',
        message: en(params),
        block: use.block,
        field: 'fields',
        line: lineOf(['blocks', use.block, 'fields', name]),
        params,
      });
    }
  }
  return out;
}

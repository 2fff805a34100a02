import type { Role } from '../vocabulary/roles.ts';
import { fieldsSchema, secretBinding, type FieldDeclaration, type ProviderDeclaration } from './declaration.ts';

/** Settings or secrets as the provider reads them: unset optional values are undefined. */
export type FieldValuesIn = Readonly<Record<string, string | undefined>>;

/** What is wrong with a value: which part (`settings`, `secrets`), which key, and what. */
export interface FieldProblem {
  readonly part: 'settings' | 'secrets';
  /** The field's key; empty when the whole object is at fault (an unknown key names itself). */
  readonly key: string;
  readonly message: string;
}

/**
 * Checks a provider's settings or secrets against its declaration. The message names the field
 * only: a zod message never quotes a value, which keeps secrets out of errors.
 */
export function parseFields(
  declaration: ProviderDeclaration,
  part: 'settings' | 'secrets',
  value: unknown,
): { readonly ok: true; readonly data: FieldValuesIn } | { readonly ok: false; readonly problem: FieldProblem } {
  const fields: Readonly<Record<string, FieldDeclaration>> = declaration[part];
  const parsed = fieldsSchema(fields).safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const issue = parsed.error.issues[0];
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const key = unknownKey ?? String(issue?.path[0] ?? '');
  const missing = issue?.code === 'invalid_type' && issue.message.includes('received undefined');
  const message =
    unknownKey !== undefined
      ? `is not a ${part === 'settings' ? 'setting' : 'secret'} of the ${declaration.name} provider`
      : missing
        ? 'is required'
        : (issue?.message ?? 'is invalid');
  return { ok: false, problem: { part, key, message } };
}

/** The values to store: unset optional ones left out. */
export function storedValues(values: FieldValuesIn): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The binding settings (`bindsSecrets`) whose value differs between `before` and `after`. */
export function movedBinding(declaration: ProviderDeclaration, before: FieldValuesIn | undefined, after: FieldValuesIn): string[] {
  return secretBinding(declaration).filter((key) => before === undefined || before[key] !== after[key]);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Settings the provider says cannot serve this role (its `unserved`), as a problem with them. */
export function unservedRole(declaration: ProviderDeclaration, role: Role, settings: FieldValuesIn): FieldProblem | undefined {
  const why = declaration.unserved?.(role, settings);
  return why ? { part: 'settings', key: why.key, message: why.message } : undefined;
}

/**
 * A base-URL setting that names a host the provider does not allow for these settings (its data
 * centre's own). A value already stored for the provider (`before`, the operator's) may stay.
 */
export function foreignBaseUrl(declaration: ProviderDeclaration, settings: FieldValuesIn, before: FieldValuesIn | undefined): FieldProblem | undefined {
  const allowed = declaration.hosts(settings);
  for (const [key, field] of Object.entries(declaration.settings)) {
    if (!field.baseUrl) continue;
    const value = settings[key];
    if (value === undefined || value === before?.[key]) continue;
    const hosts = allowed[key] ?? [];
    const origin = originOf(value);
    if (origin !== undefined && hosts.includes(origin)) continue;
    return {
      part: 'settings',
      key,
      message: `must be ${hosts.length > 0 ? hosts.join(' or ') : "one of the service's own hosts"} for these settings (other hosts only when the server runs with RENKEI_CUSTOM_SERVICE_URLS=1, or with the CLI)`,
    };
  }
  return undefined;
}

import type { ObjectFields } from '../provider.ts';

/**
 * A block's extra `fields:` split by what the connector does with them: sent under the service's
 * own name, or left out because the object has no such field. Leaving a name out keeps a bot
 * written for another CRM (Zoho's `Lead_Source`) running; the names left out travel in the
 * outcome's message so the admin sees them in the integration log (publishing warned already).
 * Blank values are neither sent nor reported.
 */
export function splitFields(
  fields: Readonly<Record<string, string>>,
  resolve: ObjectFields['resolve'],
  readOnly?: ObjectFields['readOnly'],
): { readonly sent: Record<string, string>; readonly left: readonly string[]; readonly readOnly: readonly string[] } {
  const sent: Record<string, string> = {};
  const left: string[] = [];
  const unwritable: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value.trim() === '') continue;
    const name = resolve(key);
    if (name !== undefined) sent[name] = value.trim();
    else if (readOnly?.(key) !== undefined) unwritable.push(key);
    else left.push(key);
  }
  return { sent, left, readOnly: unwritable };
}

/** The integration log's note on fields left out (missing, or read-only in the service), or undefined when none were. */
export function leftOutNote(service: string, object: string, left: readonly string[], readOnly: readonly string[] = []): string | undefined {
  const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
  const parts = [
    ...(left.length === 0 ? [] : [`${service} ${object} has no ${left.length === 1 ? 'field' : 'fields'} ${quoted(left)}`]),
    ...(readOnly.length === 0 ? [] : [`${service} ${object} ${readOnly.length === 1 ? 'field' : 'fields'} ${quoted(readOnly)} cannot be set (read-only)`]),
  ];
  return parts.length === 0 ? undefined : `${parts.join('; ')}: left out of the record (the rest was saved)`;
}

/** Case-insensitive look-up of a field name among the object's own. */
export function byNameIgnoringCase(names: readonly string[]): (name: string) => string | undefined {
  const map = new Map(names.map((n) => [n.toLowerCase(), n]));
  return (name) => map.get(name.toLowerCase());
}

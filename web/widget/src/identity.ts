import type { VisitorFields } from './api.ts';

/** FNV-1a, 32 bits, as hex: enough to tell two values apart, and it keeps the values themselves out of storage. */
function fnv(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16);
}

/**
 * What the stored session remembers of the visitor fields last sent: `person` (from the email)
 * and `fields` (all of them), hashed — the site's visitor data is not kept in the browser's storage.
 */
export function identityKey(visitor: VisitorFields): string {
  const email = visitor.email?.toLowerCase() ?? '';
  const fields = ['name', 'email', 'phone', 'company'].map((f) => visitor[f as keyof VisitorFields] ?? '').join('\n');
  return `${email === '' ? '' : fnv(email)}:${fnv(fields)}`;
}

/** Whether two keys name different people: both know an email, and not the same. */
export function otherPerson(before: string, now: string): boolean {
  const [a] = before.split(':');
  const [b] = now.split(':');
  return a !== '' && b !== '' && a !== b;
}

/**
 * CRMs keep a last name (often mandatory) and a first name — Zoho CRM Last_Name/First_Name, Desk
 * lastName/firstName, HubSpot lastname/firstname, Salesforce LastName/FirstName. A visitor types
 * one full name, so it is split by the bot's locale: Japanese names are written family name first
 * (田中 太郎), English ones family name last. One word, or a name without spaces (田中太郎 — there
 * is no reliable way to split it), is all family name.
 */
export interface PersonName {
  readonly lastName: string;
  /** Empty when the name is one word. */
  readonly firstName: string;
}

/** What goes to a mandatory last name when the visitor gave no name at all. */
export const UNKNOWN_NAME = 'Unknown';

export function splitPersonName(fullName: string, locale: 'en' | 'ja'): PersonName {
  // \s covers the ideographic space U+3000 that Japanese keyboards type between names.
  const words = fullName
    .trim()
    .split(/\s+/u)
    .filter((w) => w !== '');
  if (words.length === 0) return { lastName: '', firstName: '' };
  if (words.length === 1) return { lastName: words[0] ?? '', firstName: '' };
  if (locale === 'ja') return { lastName: words[0] ?? '', firstName: words.slice(1).join(' ') };
  return { lastName: words.at(-1) ?? '', firstName: words.slice(0, -1).join(' ') };
}

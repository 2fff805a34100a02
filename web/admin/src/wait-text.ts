/**
 * "in 10 minutes" / "10 分後" for a wait in seconds, in the admin's language: whole minutes
 * (rounded up) from a minute on, seconds below.
 */
export function waitText(seconds: number, language: string): string {
  const format = new Intl.RelativeTimeFormat(language, { numeric: 'always' });
  return seconds >= 60 ? format.format(Math.ceil(seconds / 60), 'minute') : format.format(Math.max(1, Math.ceil(seconds)), 'second');
}

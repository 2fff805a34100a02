import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export const CALLBACK_PATH = '/api/v1/admin/integrations/oauth/callback';
const ROLE_LABELS = ['CRM', 'Helpdesk', 'Mailing list'] as const;
export type RoleLabel = (typeof ROLE_LABELS)[number];

export interface ConsentRoundTrip {
  /** The provider's label, as the buttons say it: "Connect with HubSpot". */
  readonly provider: string;
  /** The card the admin starts from; the other roles are ticked too unless `roles` says otherwise. */
  readonly from: RoleLabel;
  readonly roles?: readonly RoleLabel[];
  /** Fills the provider's own fields of the Connect form (client ID, secret, API or login URL). */
  fill(form: Locator): Promise<void>;
  /** A secret that must never show in the page (the client secret). */
  readonly secret: string;
}

/**
 * The Integrations page's "Connect with …" as an admin does it: opens the form on a role's card,
 * checks the redirect URI it tells the admin to register, fills it, submits — the browser goes to
 * the (fake) service's consent page, which approves at once and sends it back through the OAuth
 * callback — and waits for the page to say the roles are connected, each card naming the provider.
 * Returns what the form told the admin: where to register the redirect URI, and the link to the
 * service's console when it shows one.
 */
export async function connectThroughConsent(
  page: Page,
  serverUrl: string,
  trip: ConsentRoundTrip,
): Promise<{ readonly hint: string; readonly consoleLink: { readonly href: string | null; readonly text: string } | null }> {
  await page.getByRole('link', { name: 'Integrations' }).click();
  const card = page.getByRole('region', { name: trip.from });
  await card.getByRole('button', { name: new RegExp(`^(Connect with|Reconnect) ${trip.provider}$`) }).click();
  const form = card.getByRole('form', { name: `Connect with ${trip.provider}` });
  // The redirect URI to register with the service, on this server.
  await expect.poll(() => form.locator('code').textContent()).toBe(`${serverUrl}${CALLBACK_PATH}`);
  const hint = (await form.locator('.hint').first().textContent()) ?? '';
  const link = form.getByRole('link');
  const consoleLink = (await link.count()) > 0 ? { href: await link.first().getAttribute('href'), text: (await link.first().textContent()) ?? '' } : null;
  // One consent covers every role the provider serves: all are ticked to begin with.
  for (const role of ROLE_LABELS) expect(await form.getByLabel(role, { exact: true }).isChecked(), role).toBe(true);
  const roles = trip.roles ?? ROLE_LABELS;
  for (const role of ROLE_LABELS) {
    const box = form.getByLabel(role, { exact: true });
    if (role === trip.from) expect(await box.isChecked()).toBe(true);
    else if (roles.includes(role)) await box.check();
    else await box.uncheck();
  }
  await trip.fill(form);
  await form.getByRole('button', { name: `Connect with ${trip.provider}` }).click();

  // To the fake's consent page and back through the callback to this page, connected.
  await page.waitForURL(/\/admin\/integrations\?oauth=connected/);
  // The card the admin started from first, then the others ticked.
  const connected = [trip.from, ...ROLE_LABELS.filter((r) => r !== trip.from && roles.includes(r))];
  await expect.poll(() => page.getByRole('status').first().textContent()).toBe(`Connected: ${connected.join(', ')}.`);
  for (const role of connected) {
    await expect.poll(() => page.getByRole('region', { name: role }).locator('dd').first().textContent()).toBe(trip.provider);
  }
  expect(await page.content()).not.toContain(trip.secret);
  return { hint, consoleLink };
}

/** Clicks the card's "Test connection" and waits for it to say the connection works. */
export async function expectConnectionWorks(page: Page, role: RoleLabel): Promise<void> {
  const card = page.getByRole('region', { name: role });
  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect.poll(() => card.getByRole('status').last().textContent(), { timeout: 20_000 }).toBe('The connection works.');
}

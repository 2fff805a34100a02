import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Provider } from '../../src/connectors/provider.ts';
import type { Role } from '../../src/vocabulary/roles.ts';
import { ROOT } from './cli.ts';

/**
 * What the provider-neutral suites (test/provider-examples.test.ts, bench/provider-leads.ts) need
 * from a provider's fake. Each fake folder `test/fake-<provider>/` that has a `provider-fake.ts`
 * exporting `providerFake` is found by `providerFakes()`: adding a provider adds no line here, nor
 * in those suites.
 *
 * Records are read back in the blocks' own words (a lead's `email`, a ticket's `department` by
 * name), so one assertion holds for every service; the fake's own tests check the service's shapes.
 */
export interface ProviderFake {
  /** The provider's name in the registry (`integrations set ROLE <provider>`). */
  readonly provider: string;
  /** The roles it serves (the examples of the other roles are skipped). */
  readonly roles: readonly Role[];
  start(opts?: { readonly seed?: number }): Promise<RunningProviderFake>;
  /**
   * The provider as the registry makes it, but with a quick backoff start (the bench's 1,000 leads
   * must finish in seconds; `Retry-After` is still honoured) and room for many connections.
   */
  benchProvider(): Provider;
}

/** Credentials of one app/grant the fake knows: the integration's secrets, and settings it needs beside them. */
export interface FakeCredentials {
  readonly settings: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, string>>;
}

export type RecordKind = 'lead' | 'contact' | 'deal' | 'ticket' | 'subscriber';

export interface NeutralPerson {
  readonly id: string;
  /** As the visitor gave it (the service's name parts joined in the bot's order). */
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly company: string;
}
export interface NeutralDeal {
  readonly id: string;
  readonly name: string;
  /** The stage as the builder shows it (its label). */
  readonly stage: string;
  readonly amount: number | undefined;
  /** YYYY-MM-DD */
  readonly closingDate: string;
  readonly contactId: string;
}
export interface NeutralTicket {
  readonly id: string;
  readonly number: string;
  readonly subject: string;
  readonly description: string;
  /** Values by their labels; department and assignee by name and email. */
  readonly status: string;
  readonly priority: string;
  readonly classification: string;
  readonly department: string;
  readonly assignee: string;
  readonly contactEmail: string;
}
export interface NeutralSubscriber {
  readonly list: string;
  readonly email: string;
}

/** Probabilities per API call; the optional ones are off when left out. */
export interface RandomFaults {
  readonly rate5xx: number;
  /** The service's rate-limit answer (429, or Salesforce's 403 REQUEST_LIMIT_EXCEEDED). */
  readonly rate429: number;
  /** The wait a 429 asks for, where the service sends one (Zoho's Retry-After). */
  readonly retryAfterSeconds: number;
  /** A done answer held back `slowMs` (past the client's call timeout: the work happened all the same). */
  readonly rateSlow?: number;
  readonly slowMs?: number;
  /** A committed create answered by dropping the connection. */
  readonly rateLostResponse?: number;
  /** Search does not see records younger than this, where the service's search index trails creates (Zoho's, HubSpot's). */
  readonly searchLagMs?: number;
}

export interface RunningProviderFake {
  /** The origin every base URL of the integration points at. */
  readonly url: string;
  /** Settings and secrets of a `role` integration on this fake, with its ready credentials or `credentials`. */
  integration(role: Role, credentials?: FakeCredentials): FakeCredentials;
  /** Registers another app/grant the fake accepts; `name` makes its values distinct. */
  addCredentials(name: string): FakeCredentials;
  /** Credentials the fake never issued (an unknown client). */
  unknownCredentials(): FakeCredentials;
  /** The grant is revoked: its refresh is refused for good and its access tokens stop working. */
  revoke(credentials: FakeCredentials): void;
  /** Every access token issued so far is answered as expired. */
  expireAccessTokens(): void;
  /** Random faults on API calls (not the token endpoint), each answered the way the service does; undefined turns them off. */
  randomFaults(faults: RandomFaults | undefined): void;
  /** The next create of `kind` is answered with `status` (400: the service's validation refusal; 503: unavailable). */
  failNextCreate(kind: RecordKind, status: 400 | 503): void;
  /** Refresh-token grants answered since the start or the last `reset`. */
  readonly tokenRefreshes: number;
  readonly records: {
    leads(): NeutralPerson[];
    contacts(): NeutralPerson[];
    deals(): NeutralDeal[];
    tickets(): NeutralTicket[];
    subscribers(): NeutralSubscriber[];
  };
  /** Seeds a contact as if someone had entered it in the service; answers its id. */
  addContact(person: { readonly name: string; readonly email: string }): string;
  /** The account's department (Zoho Desk department, HubSpot ticket pipeline …) called `name` stops being usable. */
  disableDepartment(name: string): void;
  /** As a bot names them: an active agent, a deactivated one, and one the account never had. */
  readonly assignees: { readonly active: string; readonly inactive: string; readonly unknown: string };
  /** Records, faults and counters back to the seeded state; credentials and tokens stay. */
  reset(): void;
  close(): Promise<void>;
}

/** `renkei integrations set` options for these settings and secrets (each key in kebab case). */
export function setOptions(values: FakeCredentials): string[] {
  const kebab = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return Object.entries({ ...values.settings, ...values.secrets }).flatMap(([key, value]) => [kebab(key), value]);
}

/** Every provider fake under test/ (folders `fake-*` with a `provider-fake.ts`), by provider name. */
export async function providerFakes(): Promise<ProviderFake[]> {
  const testDir = join(ROOT, 'test');
  const files = readdirSync(testDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('fake-'))
    .map((entry) => join(testDir, entry.name, 'provider-fake.ts'))
    .filter((file) => existsSync(file))
    .sort();
  const fakes: ProviderFake[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(file).href)) as { providerFake?: ProviderFake };
    if (!module.providerFake) throw new Error(`${file} exports no providerFake`);
    fakes.push(module.providerFake);
  }
  return fakes.sort((a, b) => a.provider.localeCompare(b.provider));
}

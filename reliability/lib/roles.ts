import { randomBytes } from 'node:crypto';
import { renkei } from '../../test/helpers/cli.ts';
import { setOptions, type FakeCredentials, type ProviderFake, type RunningProviderFake } from '../../test/helpers/provider-fake.ts';
import type { Role } from '../../src/vocabulary/roles.ts';

/** The credentials each role was configured with: one grant per role, so one can be revoked alone. */
export type RoleCredentials = Readonly<Partial<Record<Role, FakeCredentials>>>;

/**
 * Points every role `target` serves, in the database `db`, at its running fake with `renkei
 * integrations set`, as an operator would; each role gets credentials of its own.
 */
export async function configureRoles(
  target: ProviderFake,
  fake: RunningProviderFake,
  db: string,
  env: Readonly<Record<string, string>> = {},
): Promise<RoleCredentials> {
  const configured: Partial<Record<Role, FakeCredentials>> = {};
  for (const role of target.roles) {
    const credentials = fake.addCredentials(`rel${role}${randomBytes(5).toString('hex')}`);
    const values = fake.integration(role, credentials);
    const run = await renkei(['integrations', 'set', role, target.provider, ...setOptions(values), '--db', db], { env: { ...env } });
    if (run.code !== 0) throw new Error(`integrations set ${role} ${target.provider} failed (${run.code}): ${run.stderr}`);
    configured[role] = credentials;
  }
  return configured;
}

/** Every secret the configured roles hold: none may appear in plain text at rest or in a log. */
export const roleSecrets = (roles: RoleCredentials): string[] => Object.values(roles).flatMap((c) => Object.values(c.secrets));

import { randomBytes } from 'node:crypto';
import type { FakeZoho } from '../../test/fake-zoho/index.ts';
import type { ClientCredentials } from '../../test/fake-zoho/oauth.ts';
import { renkei } from '../../test/helpers/cli.ts';

export type Role = 'crm' | 'helpdesk' | 'mailing';
export const ROLES: readonly Role[] = ['crm', 'helpdesk', 'mailing'];

/** The OAuth client each role was configured with: one per role, so one can be revoked alone. */
export type RoleClients = Readonly<Record<Role, ClientCredentials>>;

/**
 * Points the three roles of the database `db` at the fake Zoho with `renkei integrations set`, as
 * an operator would; each role gets its own client and refresh token.
 */
export async function configureZoho(fake: FakeZoho, db: string, env: Readonly<Record<string, string>> = {}): Promise<RoleClients> {
  const clients = {} as Record<Role, ClientCredentials>;
  for (const role of ROLES) {
    const client: ClientCredentials = {
      clientId: `1000.REL${role.toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`,
      clientSecret: randomBytes(20).toString('hex'),
      refreshToken: `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`,
    };
    fake.addClient(client);
    const run = await renkei(
      [
        'integrations',
        'set',
        role,
        'zoho',
        '--dc',
        'com',
        '--client-id',
        client.clientId,
        '--client-secret',
        client.clientSecret,
        '--refresh-token',
        client.refreshToken,
        ...(role === 'helpdesk' ? ['--org-id', fake.orgId] : []),
        '--accounts-url',
        fake.url,
        '--api-url',
        fake.url,
        '--db',
        db,
      ],
      { env: { ...env } },
    );
    if (run.code !== 0) throw new Error(`integrations set ${role} failed (${run.code}): ${run.stderr}`);
    clients[role] = client;
  }
  return clients;
}

/** Every secret the configured clients hold: none may appear in plain text at rest or in a log. */
export const clientSecrets = (clients: RoleClients): string[] => ROLES.flatMap((r) => [clients[r].clientSecret, clients[r].refreshToken]);

import { describe, expect, it } from 'vitest';
import {
  getIntegration,
  listIntegrations,
  markIntegrationInvalid,
  recordIntegrationResult,
  removeIntegration,
  setIntegration,
  setIntegrationEnabled,
} from './integrations.ts';
import { STORE_TARGETS, tempStore } from './test-support.ts';

const decrypt = (blob: string): Record<string, string> => JSON.parse(Buffer.from(blob, 'base64').toString('utf8'));
const encrypt = (secrets: Record<string, string>): string => Buffer.from(JSON.stringify(secrets)).toString('base64');

describe.each(STORE_TARGETS)('on %s', (kind) => {
  describe('integrations', () => {
    it('disables and enables a role', async () => {
      const { db } = await tempStore(kind);
      await setIntegrationEnabled(db, 'helpdesk', false);
      expect((await getIntegration(db, 'helpdesk'))?.enabled).toBe(false);
      expect((await getIntegration(db, 'crm'))?.enabled).toBe(true);
      await setIntegrationEnabled(db, 'helpdesk', true);
      expect((await getIntegration(db, 'helpdesk'))?.enabled).toBe(true);
    });

    it('says clearly that a role has no integration to enable', async () => {
      const { db } = await tempStore(kind);
      await removeIntegration(db, 'mailing');
      expect(await getIntegration(db, 'mailing')).toBeUndefined();
      await expect(setIntegrationEnabled(db, 'mailing', true)).rejects.toMatchObject({
        kind: 'not_found',
        message: 'no mailing integration is configured',
      });
      await expect(removeIntegration(db, 'mailing')).rejects.toThrow('no mailing integration is configured');
      expect((await listIntegrations(db)).map((i) => i.role)).toEqual(['crm', 'helpdesk']);
    });

    it('sets a provider with settings and an encrypted blob; decrypts only when asked', async () => {
      const { db } = await tempStore(kind);
      await setIntegrationEnabled(db, 'crm', false);
      await setIntegration(db, 'crm', 'zoho', { dc: 'jp', clientId: 'abc' }, encrypt({ refreshToken: 'r-1' }));
      const withSecrets = await getIntegration(db, 'crm', decrypt);
      expect(withSecrets).toMatchObject({
        role: 'crm',
        provider: 'zoho',
        enabled: true,
        status: 'unchecked',
        settings: { dc: 'jp', clientId: 'abc' },
        secrets: { refreshToken: 'r-1' },
        hasSecrets: true,
      });
      expect((await getIntegration(db, 'crm'))?.secrets).toEqual({});
      const [summary] = await listIntegrations(db);
      expect(summary).not.toHaveProperty('secrets');
      expect(JSON.stringify(summary)).not.toContain('r-1');
    });

    it('passes on what decrypt throws (a wrong key)', async () => {
      const { db } = await tempStore(kind);
      await setIntegration(db, 'crm', 'zoho', {}, 'not-a-blob');
      await expect(
        getIntegration(db, 'crm', () => {
          throw new Error('wrong key');
        }),
      ).rejects.toThrow('wrong key');
    });

    it('marks an integration invalid with the reason, and a later success makes it ok again', async () => {
      const { db } = await tempStore(kind);
      await markIntegrationInvalid(db, 'crm', 'refresh token revoked');
      const invalid = await getIntegration(db, 'crm');
      expect(invalid).toMatchObject({ status: 'invalid', statusMessage: 'refresh token revoked', lastError: 'refresh token revoked' });
      expect(invalid?.lastFailureAt).not.toBeNull();
      await recordIntegrationResult(db, 'crm', true);
      const ok = await getIntegration(db, 'crm');
      expect(ok).toMatchObject({ status: 'ok', statusMessage: null });
      expect(ok?.lastSuccessAt).not.toBeNull();
    });

    it('records a failure without touching the status', async () => {
      const { db } = await tempStore(kind);
      await recordIntegrationResult(db, 'mailing', false, 'timed out');
      expect(await getIntegration(db, 'mailing')).toMatchObject({ status: 'ok', lastError: 'timed out', lastSuccessAt: null });
      await expect(recordIntegrationResult(db, 'mailing', true)).resolves.toBeUndefined();
      await removeIntegration(db, 'mailing');
      await expect(markIntegrationInvalid(db, 'mailing', 'x')).rejects.toThrow('no mailing integration is configured');
    });

    it('configures the builtin provider again after removal', async () => {
      const { db } = await tempStore(kind);
      await removeIntegration(db, 'helpdesk');
      await setIntegration(db, 'helpdesk', 'builtin', {}, null);
      expect(await getIntegration(db, 'helpdesk')).toMatchObject({ provider: 'builtin', enabled: true, status: 'ok', hasSecrets: false });
    });
  });
});

import { describe, expect, it } from 'vitest';
import { claimOAuthState, finishOAuthState, OAUTH_STATE_TTL_MS, saveOAuthState, voidOAuthStates } from './oauth-states.ts';
import { STORE_TARGETS, tempStore } from './test-support.ts';
import type { Role } from '../vocabulary/roles.ts';

const consent = (roles: readonly Role[]) => ({
  browserHash: 'browser',
  provider: 'zoho',
  roles,
  settings: { dc: 'com' },
  secrets: 'sealed',
  redirectUri: 'http://renkei.test/cb',
});

describe.each(STORE_TARGETS)('OAuth consents under way on %s', (kind) => {
  it('a state is claimed once, by its own browser, and finished once', async () => {
    const { db } = await tempStore(kind);
    await saveOAuthState(db, 's1', consent(['crm']));
    expect(await claimOAuthState(db, 's1', 'another browser')).toBeUndefined();
    expect(await claimOAuthState(db, 's1', 'browser')).toMatchObject({ provider: 'zoho', roles: ['crm'] });
    expect(await claimOAuthState(db, 's1', 'browser')).toBeUndefined();
    expect(await finishOAuthState(db, 's1')).toBe(true);
    expect(await finishOAuthState(db, 's1')).toBe(false);
  });

  it('an unclaimed state cannot be finished, and an expired one cannot be claimed', async () => {
    const { db } = await tempStore(kind);
    const now = Date.now();
    await saveOAuthState(db, 'old', consent(['crm']), now - OAUTH_STATE_TTL_MS - 1);
    expect(await finishOAuthState(db, 'old')).toBe(false);
    expect(await claimOAuthState(db, 'old', 'browser', now)).toBeUndefined();
    expect(await db.selectFrom('oauth_states').select('state_hash').execute()).toEqual([]);
  });

  it("voiding a role takes its consents, claimed or not, and leaves other roles' consents", async () => {
    const { db } = await tempStore(kind);
    await saveOAuthState(db, 'crm+helpdesk', consent(['crm', 'helpdesk']));
    await saveOAuthState(db, 'mailing', consent(['mailing']));
    expect(await claimOAuthState(db, 'crm+helpdesk', 'browser')).toBeDefined();
    // The callback is trading its code when the helpdesk is disconnected: it must then write nothing.
    expect(await voidOAuthStates(db, ['helpdesk'])).toBe(1);
    expect(await finishOAuthState(db, 'crm+helpdesk')).toBe(false);
    expect(await claimOAuthState(db, 'mailing', 'browser')).toMatchObject({ roles: ['mailing'] });
    expect(await voidOAuthStates(db, [])).toBe(0);
  });

  it('a new consent for a role voids the earlier ones of that role only', async () => {
    const { db } = await tempStore(kind);
    await saveOAuthState(db, 'first', consent(['crm', 'mailing']));
    await saveOAuthState(db, 'helpdesk', consent(['helpdesk']));
    await saveOAuthState(db, 'second', consent(['mailing']));
    const left = await db.selectFrom('oauth_states').select('state_hash').orderBy('state_hash').execute();
    expect(left.map((r) => r.state_hash)).toEqual(['helpdesk', 'second']);
  });
});

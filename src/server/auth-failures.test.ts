import { describe, expect, it } from 'vitest';
import { AuthFailures } from './auth-failures.ts';
import { ADMIN_TOKEN, testServer } from './test-support.ts';

describe('wrong admin tokens', () => {
  it('are answered 401 twenty times, then 429 with Retry-After whatever the token, for that address only', async () => {
    const s = await testServer();
    const from = (remoteAddress: string, token: string) =>
      s.app.inject({ url: '/api/v1/admin/bots', remoteAddress, headers: { authorization: `Bearer ${token}` } });

    // One mistake, then the right token: forgiven.
    expect((await from('203.0.113.7', 'guess')).statusCode).toBe(401);
    expect((await from('203.0.113.7', ADMIN_TOKEN)).statusCode).toBe(200);

    for (let i = 0; i < 20; i++) expect((await from('203.0.113.7', `guess-${i}`)).statusCode).toBe(401);
    const refused = await from('203.0.113.7', 'guess-20');
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(500);
    expect(refused.json().error).toMatchObject({ code: 'too_many_failures', message: expect.stringContaining('at most 20 in 10 minutes') });
    // The right token from that address waits too, or guessing would go on unhindered …
    expect((await from('203.0.113.7', ADMIN_TOKEN)).statusCode).toBe(429);
    // … while the admin, elsewhere, is not locked out.
    expect((await from('198.51.100.2', ADMIN_TOKEN)).statusCode).toBe(200);
    expect((await from('198.51.100.2', 'typo')).statusCode).toBe(401);
    // A request without a token is no guess.
    expect((await s.app.inject({ url: '/api/v1/admin/bots', remoteAddress: '198.51.100.3' })).statusCode).toBe(401);
  });

  it('are forgotten when the window ends', () => {
    let now = 0;
    const failures = new AuthFailures({ max: 2, windowMs: 60_000 }, () => now);
    failures.failed('a');
    failures.failed('a');
    expect(failures.refusedFor('a')).toBe(60);
    expect(failures.refusedFor('b')).toBeNull();
    now = 45_000;
    expect(failures.refusedFor('a')).toBe(15);
    now = 60_000;
    expect(failures.refusedFor('a')).toBeNull();
    failures.failed('a');
    expect(failures.refusedFor('a')).toBeNull();
  });
});

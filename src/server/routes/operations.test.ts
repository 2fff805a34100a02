import { describe, expect, it } from 'vitest';
import { BOTS } from '../../runtime/test-support.ts';
import { CHOICE_BOT, testServer } from '../test-support.ts';

describe('health', () => {
  it('is live, and ready while the database answers with its migrations applied', async () => {
    const s = await testServer();
    expect((await s.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await s.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ok' });

    await s.store.db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', '002-runtime' as never)
      .execute();
    const behind = await s.app.inject({ url: '/readyz' });
    expect(behind.statusCode).toBe(503);
    expect(behind.json()).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('002-runtime') });
  });
});

describe('OpenAPI', () => {
  it('describes both APIs at /openapi.json and serves a docs page', async () => {
    const s = await testServer();
    const res = await s.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/api/v1/bots/{botId}/conversations',
      '/api/v1/conversations/{id}/replies',
      '/api/v1/conversations/{id}/events',
      '/api/v1/conversations/{id}',
      '/api/v1/admin/bots/{id}',
      '/api/v1/admin/bots/{id}/publish',
      '/api/v1/admin/records/{kind}',
      '/api/v1/admin/integrations/{role}',
      '/api/v1/admin/conversations/{id}',
      '/api/v1/admin/execution-log',
      '/healthz',
      '/metrics',
    ]) {
      expect(paths, path).toContain(path);
    }
    const reply = doc.paths['/api/v1/conversations/{id}/replies'].post;
    expect(reply.security).toEqual([{ conversationToken: [] }]);
    expect(JSON.stringify(reply.requestBody)).toContain('choice');
    expect(doc.paths['/api/v1/admin/bots'].get.security).toEqual([{ adminToken: [] }]);
    expect(doc.components.schemas).toHaveProperty('TurnView');

    const docs = await s.app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('metrics', () => {
  it('exposes turns, turn latency, integration outcomes and attempts, and the outbox', async () => {
    const s = await testServer();
    await s.publishBot(BOTS.lead);
    const { id, token } = await s.start('quick-lead');
    await s.reply(id, token, { text: 'sora@example.com' });
    await s.reply(id, token, { text: 'again' });

    const res = await s.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('renkei_turns_total{kind="start",result="waiting_input"} 1');
    expect(text).toContain('renkei_turns_total{kind="reply",result="ended"} 1');
    expect(text).toContain('renkei_turns_total{kind="reply",result="conversation_over"} 1');
    expect(text).toMatch(/renkei_turn_duration_seconds_count\{kind="reply"\} 2/);
    expect(text).toContain('renkei_integration_outcomes_total{block_type="crm.lead",outcome="success"} 1');
    expect(text).toContain('renkei_integration_attempts_total{block_type="crm.lead",provider="builtin",outcome="success"} 1');
    expect(text).toContain('renkei_outbox_depth{status="pending"} 0');
    expect(text).toContain('renkei_outbox_oldest_age_seconds 0');
  });

  it('answers only the scraper holding RENKEI_METRICS_TOKEN when it is set', async () => {
    const s = await testServer({ env: { RENKEI_METRICS_TOKEN: 'scrape-token-0123456789' } });
    const missing = await s.app.inject({ url: '/metrics' });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="renkei-metrics"');
    expect(missing.body).not.toContain('renkei_');
    const wrong = await s.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-token-wrong' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe('wrong metrics token');
    const right = await s.app.inject({ url: '/metrics', headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('renkei_outbox_depth');
  });

  it('counts a pending integration call in the outbox', async () => {
    const s = await testServer({ workers: false, runtime: { turnWaitMs: 10 } });
    await s.publishBot(BOTS.lead);
    const { id, token } = await s.start('quick-lead');
    expect((await s.reply(id, token, { text: 'umi@example.com' })).json().status).toBe('working');
    const text = (await s.app.inject({ url: '/metrics' })).body;
    expect(text).toContain('renkei_outbox_depth{status="pending"} 1');
  });
});

describe('CORS', () => {
  const preflight = (origin: string, url: string) => ({
    method: 'OPTIONS' as const,
    url,
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });

  it('lets the configured origins call the visitor API and no other', async () => {
    const s = await testServer({ env: { RENKEI_ALLOWED_ORIGINS: 'https://shop.example, https://www.shop.example' } });
    await s.publishBot(CHOICE_BOT);
    const url = '/api/v1/bots/colours/conversations';

    const allowed = await s.app.inject(preflight('https://shop.example', url));
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(String(allowed.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');

    const denied = await s.app.inject(preflight('https://evil.example', url));
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();

    const post = await s.app.inject({ method: 'POST', url, headers: { origin: 'https://www.shop.example' } });
    expect(post.statusCode).toBe(201);
    expect(post.headers['access-control-allow-origin']).toBe('https://www.shop.example');
    const evilPost = await s.app.inject({ method: 'POST', url, headers: { origin: 'https://evil.example' } });
    expect(evilPost.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets any origin when none is configured, and never adds CORS headers to the admin API', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const visitor = await s.app.inject(preflight('https://anyone.example', '/api/v1/bots/colours/conversations'));
    expect(visitor.headers['access-control-allow-origin']).toBe('*');

    const adminPreflight = await s.app.inject(preflight('https://anyone.example', '/api/v1/admin/bots'));
    expect(adminPreflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(adminPreflight.statusCode).toBeGreaterThanOrEqual(400);
    const adminGet = await s.admin({ url: '/api/v1/admin/bots', headers: { origin: 'https://anyone.example' } });
    expect(adminGet.statusCode).toBe(200);
    expect(adminGet.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limit', () => {
  it('answers 429 once an address exceeds RENKEI_RATE_LIMIT visitor requests a minute', async () => {
    const s = await testServer({ env: { RENKEI_RATE_LIMIT: '3' } });
    await s.publishBot(CHOICE_BOT);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push((await s.app.inject({ method: 'POST', url: '/api/v1/bots/colours/conversations', remoteAddress: '203.0.113.7' })).statusCode);
    }
    expect(codes).toEqual([201, 201, 201, 429, 429]);
    const limited = await s.app.inject({ method: 'POST', url: '/api/v1/bots/colours/conversations', remoteAddress: '203.0.113.7' });
    expect(limited.json().error.code).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();

    const otherAddress = await s.app.inject({ method: 'POST', url: '/api/v1/bots/colours/conversations', remoteAddress: '203.0.113.8' });
    expect(otherAddress.statusCode).toBe(201);
    // The admin API and health checks are not the visitor API.
    expect((await s.admin({ url: '/api/v1/admin/bots', remoteAddress: '203.0.113.7' })).statusCode).toBe(200);
    expect((await s.app.inject({ url: '/healthz', remoteAddress: '203.0.113.7' })).statusCode).toBe(200);
  });

  it.each(['127.0.0.1', '1'])('counts the visitor behind a trusted proxy (RENKEI_TRUST_PROXY=%s), not the proxy', async (trust) => {
    const s = await testServer({ env: { RENKEI_RATE_LIMIT: '2', RENKEI_TRUST_PROXY: trust } });
    await s.publishBot(CHOICE_BOT);
    const from = (visitor: string) =>
      s.app.inject({
        method: 'POST',
        url: '/api/v1/bots/colours/conversations',
        remoteAddress: '127.0.0.1',
        headers: { 'x-forwarded-for': visitor },
      });
    const codes = [];
    for (const visitor of ['198.51.100.1', '198.51.100.1', '198.51.100.2', '198.51.100.1']) codes.push((await from(visitor)).statusCode);
    expect(codes).toEqual([201, 201, 201, 429]);
  });

  it('is off with RENKEI_RATE_LIMIT=0', async () => {
    const s = await testServer({ env: { RENKEI_RATE_LIMIT: '0' } });
    await s.publishBot(CHOICE_BOT);
    for (let i = 0; i < 150; i++) {
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/bots/nobody/conversations', remoteAddress: '203.0.113.9' });
      expect(res.statusCode).toBe(404);
    }
  });
});

describe('errors', () => {
  it('answers unknown routes with a JSON 404 and gives every answer a request id', async () => {
    const s = await testServer();
    const res = await s.app.inject({ url: '/api/v1/nothing-here?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /api/v1/nothing-here' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

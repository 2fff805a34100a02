import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SecretBox } from '../secrets/secret-box.ts';
import { handoffBot, storeAgent } from '../../test/helpers/handoff.ts';
import { newId } from '../store/keys.ts';
import { mailerFromEnv } from './mailer.ts';
import { harness, serveHttp } from './test-support.ts';

/** Hands off at the first turn. */
const BOT = handoffBot({ ask: false });

const box = new SecretBox(Buffer.from('cd'.repeat(32), 'hex'));
const SECRET = 'whsec-0123456789abcdef';

async function until<T>(what: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function smtp(): Promise<{ url: string; mails: string[] }> {
  const mails: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      let text = '';
      stream.on('data', (c: Buffer) => (text += c.toString()));
      stream.on('end', () => {
        mails.push(text);
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`, mails };
}

describe('team notifications', () => {
  it('signs each event webhook, retries a failure, logs every attempt; a Slack-format hook gets { text }', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    let failFirst = true;
    const url = await serveHttp((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        const fail = failFirst && req.url === '/renkei';
        failFirst &&= !fail;
        res.writeHead(fail ? 503 : 200).end();
      });
    });
    let skew = 0;
    const h = await harness('sqlite', {
      now: () => new Date(Date.now() + skew),
      notifications: { secretBox: () => box, mailer: undefined, publicUrl: 'https://chat.example.com' },
    });
    await h.publishBot(BOT);
    const at = new Date().toISOString();
    for (const [path, format] of [
      ['/renkei', 'renkei'],
      ['/slack', 'slack'],
    ] as const) {
      await h.store.db
        .insertInto('event_webhooks')
        .values({
          id: newId(),
          url: `${url}${path}`,
          secret: box.seal({ secret: SECRET }),
          format,
          events: JSON.stringify(['conversation.handoff']),
          enabled: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    h.runtime.startWorkers(1);
    const started = await h.runtime.start('desk');
    expect(started.status).toBe('handoff');

    const slack = await until(async () => received.find((r) => r.headers['renkei-event'] && JSON.parse(r.body).text !== undefined));
    expect(JSON.parse(slack.body).text).toContain('https://chat.example.com/admin/inbox?c=' + started.conversationId);
    // The first try of the Renkei-format hook failed with 503; the retry waits 5 s of the runtime's clock.
    await until(async () => (received.length >= 2 ? true : undefined));
    skew = 10_000;
    const ok = await until(async () =>
      received.filter((r) => JSON.parse(r.body).type !== undefined).length >= 2 ? received.filter((r) => JSON.parse(r.body).type !== undefined)[1] : undefined,
    );
    const event = JSON.parse(ok.body) as { id: string; type: string; createdAt: string; data: Record<string, unknown> };
    expect(event).toMatchObject({ type: 'conversation.handoff', data: { conversationId: started.conversationId, botId: 'desk', reason: 'wants_a_person' } });
    const [t, v1] = String(ok.headers['renkei-signature']).split(',');
    const seconds = t!.slice(2);
    expect(v1).toBe(`v1=${createHmac('sha256', SECRET).update(`${seconds}.${ok.body}`).digest('hex')}`);

    const attempts = await until(async () => {
      const rows = await h.store.db.selectFrom('event_delivery_attempts').selectAll().orderBy('started_at').execute();
      return rows.length >= 3 ? rows : undefined;
    });
    expect(attempts.map((a) => a.status_code).sort()).toEqual([200, 200, 503]);
  });

  it('e-mails a new hand-off to the team over SMTP', async () => {
    const server = await smtp();
    const h = await harness('sqlite', {
      notifications: { secretBox: () => box, mailer: mailerFromEnv({ RENKEI_SMTP_URL: server.url }), publicUrl: undefined },
    });
    await h.publishBot(BOT);
    // Signed up (a password): the team's e-mails go to such accounts only.
    await storeAgent(h.store.db, { passwordHash: 'scrypt$x' });
    h.runtime.startWorkers(1);
    await h.runtime.start('desk');
    const mail = await until(async () => server.mails[0]);
    expect(mail).toMatch(/^To: hana@example\.com/m);
    expect(mail).toContain('/admin/inbox');
  });
});

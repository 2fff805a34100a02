import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { scrubText, scrubUrl } from './redact.ts';
import { ADMIN_TOKEN, listen, openEvents, testServer } from './test-support.ts';

const EMAIL = 'natsuki.ono@example.co.jp';
const PHONE = '090-8765-4321';
const LEAD_BOT = `
renkei: 1
id: contact-me
name: Contact me
locale: en
start: ask_email
blocks:
  ask_email:
    type: ask
    kind: email
    prompt: "Email?"
    save: visitor.email
    next: ask_phone
  ask_phone:
    type: ask
    kind: phone
    prompt: "Phone?"
    save: visitor.phone
    next: lead
  lead:
    type: crm.lead
    save: { id: lead_id }
    ports: { success: done, failure: done }
  done:
    type: end
    text: "We will call %visitor.phone% or write to %visitor.email%."
`;

function capture(): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l !== ''),
      );
      done();
    },
  });
  return { lines, destination };
}

describe('server logs', () => {
  it('carry request ids and no email, phone number or token through a whole conversation', async () => {
    const s = await testServer();
    await s.publishBot(LEAD_BOT);
    const base = await listen(s.app);
    const { id, token } = await s.start('contact-me', { visitor: { name: 'Natsuki', email: EMAIL, phone: PHONE } });
    await s.reply(id, token, { text: EMAIL });
    await s.reply(id, token, { text: PHONE });
    await s.reply(id, token, { text: 'late answer' });
    const stream = await openEvents(`${base}/api/v1/conversations/${id}/events?token=${token}&lastEventId=0`);
    while (await stream.next());
    await s.admin({ url: `/api/v1/admin/records/leads?search=${encodeURIComponent(EMAIL)}` });
    await s.app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/replies`, headers: { authorization: `Bearer ${token}` }, payload: '{"text":' });

    const text = s.logs.join('\n');
    expect(s.logs.length).toBeGreaterThanOrEqual(7);
    for (const secret of [EMAIL, 'natsuki.ono', PHONE, '8765', token, ADMIN_TOKEN]) expect(text).not.toContain(secret);
    const completed = s.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'request completed');
    expect(completed.length).toBeGreaterThanOrEqual(7);
    for (const line of completed) {
      expect(line['reqId']).toMatch(/^[0-9a-f-]{36}$/);
      expect(line).toHaveProperty('res.statusCode');
      expect(JSON.stringify(line)).not.toMatch(/remoteAddress|authorization|127\.0\.0\.1:\d+/);
    }
    expect(completed.map((l) => (l['req'] as { url: string }).url)).toContain(`/api/v1/conversations/${id}/events?token=[redacted]&lastEventId=0`);
  });

  it('scrub what other code logs: messages, nested fields and errors', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', destination });
    log.info({ visitor: { email: EMAIL, note: `call ${PHONE}` }, headers: { authorization: 'Bearer abc' } }, `answer from ${EMAIL}`);
    log.error({ err: new Error(`the CRM refused ${EMAIL} (${PHONE})`) }, 'lead failed');
    log.warn({ refreshToken: '1000.secret', count: 12345678, at: '2026-11-25', ip: '10.0.0.1', version: '1.2.3' }, 'odd');

    const text = lines.join('\n');
    for (const secret of [EMAIL, PHONE, 'Bearer abc', '1000.secret']) expect(text).not.toContain(secret);
    const [first, second, third] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first?.['msg']).toBe('answer from [email]');
    expect(first?.['visitor']).toEqual({ email: '[redacted]', note: 'call [phone]' });
    expect((second?.['err'] as { message: string }).message).toBe('the CRM refused [email] ([phone])');
    // Numbers, dates, addresses and versions that are not phone numbers stay readable.
    expect(third).toMatchObject({ count: 12345678, at: '2026-11-25', ip: '10.0.0.1', version: '1.2.3', refreshToken: '[redacted]' });
  });
});

describe('scrubbing', () => {
  it('replaces emails and phone numbers in the ways people write them', () => {
    expect(scrubText('mail TARO@Example.COM now')).toBe('mail [email] now');
    for (const phone of ['090-1234-5678', '+81 90 1234 5678', '(03) 1234-5678', '09012345678', '０９０－１２３４－５６７８', '+1 (555) 010-9999']) {
      expect(scrubText(`tel ${phone}.`), phone).toBe('tel [phone].');
    }
    for (const kept of ['2026-11-25', 'v1.2.3', '127.0.0.1', 'order 12345', '01a21501-1b0c-7533-8bf7-6a693ad8c68a', 'port 3000']) {
      expect(scrubText(kept), kept).toBe(kept);
    }
  });

  it('redacts secret query parameters and scrubs the others', () => {
    expect(scrubUrl('/a?token=abc&lastEventId=3')).toBe('/a?token=[redacted]&lastEventId=3');
    expect(scrubUrl(`/r?search=${encodeURIComponent('a@b.co')}&limit=5`)).toBe('/r?search=[redacted]&limit=5');
    expect(scrubUrl('/x?q=a%40b.co')).toBe('/x?q=[email]');
    expect(scrubUrl('/plain/path')).toBe('/plain/path');
    // The event stream's token however the query spells it: encoded name, repeated, after another.
    expect(scrubUrl('/e?%74oken=abc&lastEventId=3')).toBe('/e?token=[redacted]&lastEventId=3');
    expect(scrubUrl('/e?lastEventId=1&token=abc&token=def')).toBe('/e?lastEventId=1&token=[redacted]&token=[redacted]');
    expect(scrubUrl('/e?token=ab%ZZc')).toBe('/e?token=[redacted]');
  });
});

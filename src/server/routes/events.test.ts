import { describe, expect, it } from 'vitest';
import { BOTS, sendJson, serveHttp } from '../../runtime/test-support.ts';
import { CHOICE_BOT, listen, openEvents, testServer, type SseClient, type SseEvent } from '../test-support.ts';

async function take(stream: SseClient, n: number): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for (let i = 0; i < n; i++) {
    const e = await stream.next();
    if (!e) throw new Error(`the stream ended after ${out.length} events, ${n} were expected`);
    out.push(e);
  }
  return out;
}

describe('the event stream', () => {
  it('sends the backlog, then each new event live, each with its seq as id, and ends with the conversation', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const base = await listen(s.app);
    const { id, token, body } = await s.start('colours');

    const stream = await openEvents(`${base}/api/v1/conversations/${id}/events`, { authorization: `Bearer ${token}` });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const backlog = await take(stream, Number(body['lastEventId']));
    expect(backlog.map((e) => e.id)).toEqual(backlog.map((_, i) => String(i + 1)));
    expect(backlog.map((e) => e.data['seq'])).toEqual(backlog.map((_, i) => i + 1));
    expect(backlog.at(-1)?.data).toMatchObject({ type: 'input', input: { kind: 'choice' } });

    await s.reply(id, token, { choice: 'red' });
    const live = await take(stream, 3);
    expect(live.map((e) => e.data['type'])).toEqual(['visitor', 'message', 'input']);
    expect(live[0]?.data).toMatchObject({ type: 'visitor', text: 'Red' });
    expect(live[1]?.data).toMatchObject({ message: { text: 'Your name?' } });

    await s.reply(id, token, { text: 'Aiko' });
    const rest: SseEvent[] = [];
    for (let e = await stream.next(); e; e = await stream.next()) rest.push(e);
    expect(rest.at(-1)?.data).toMatchObject({ type: 'status', status: 'ended' });
    expect(rest.some((e) => (e.data['message'] as { text?: string } | undefined)?.text === 'Bye Aiko, you chose red')).toBe(true);
    await stream.ended;
  });

  it('answers `working` when an integration outlasts the turn wait, and streams the rest when it is done', async () => {
    const s = await testServer({ runtime: { turnWaitMs: 50 } });
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const hook = await serveHttp((_req, res) => {
      void released.then(() => sendJson(res, 200, { id: 'R-42' }));
    });
    await s.publishBot(BOTS.webhook(hook));
    const base = await listen(s.app);
    const { id, token } = await s.start('hook');

    const turn = await s.reply(id, token, { text: 'invoice' });
    expect(turn.statusCode).toBe(200);
    expect(turn.json()).toMatchObject({ status: 'working', input: null });

    const stream = await openEvents(`${base}/api/v1/conversations/${id}/events?token=${token}&lastEventId=${turn.json().lastEventId}`);
    release();
    const rest: SseEvent[] = [];
    for (let e = await stream.next(); e; e = await stream.next()) rest.push(e);
    expect(rest.map((e) => e.data['type'])).toEqual(['message', 'status']);
    expect(rest[0]?.data).toMatchObject({ message: { text: 'Saved R-42' } });
    expect(rest[1]?.data).toMatchObject({ status: 'ended' });
  });

  it('resumes after Last-Event-ID (header or query), with the token in the query for EventSource', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const base = await listen(s.app);
    const { id, token } = await s.start('colours');
    await s.reply(id, token, { choice: 'blue' });

    const all = await openEvents(`${base}/api/v1/conversations/${id}/events?token=${token}`);
    const seen = await take(all, 5);
    all.close();

    const fromHeader = await openEvents(`${base}/api/v1/conversations/${id}/events`, {
      authorization: `Bearer ${token}`,
      'last-event-id': '2',
    });
    const resumed = await take(fromHeader, 3);
    expect(resumed.map((e) => e.data)).toEqual(seen.slice(2).map((e) => e.data));
    fromHeader.close();

    const fromQuery = await openEvents(`${base}/api/v1/conversations/${id}/events?token=${token}&lastEventId=4`);
    expect((await fromQuery.next())?.data).toEqual(seen[4]?.data);
    fromQuery.close();
  });

  it('answers 204 to a stream of an ended conversation with nothing left, which stops EventSource', async () => {
    const s = await testServer();
    await s.publishBot(BOTS.lead);
    const base = await listen(s.app);
    const { id, token } = await s.start('quick-lead');
    const turn = await s.reply(id, token, { text: 'kei@example.com' });
    expect(turn.json().status).toBe('ended');
    const last = turn.json().lastEventId as number;

    const res = await fetch(`${base}/api/v1/conversations/${id}/events?token=${token}&lastEventId=${last}`);
    expect(res.status).toBe(204);

    const earlier = await openEvents(`${base}/api/v1/conversations/${id}/events?token=${token}&lastEventId=${last - 1}`);
    expect((await earlier.next())?.data).toMatchObject({ type: 'status', status: 'ended' });
    expect(await earlier.next()).toBeUndefined();
  });

  it('refuses a missing token (401), a wrong one (404) and a bad Last-Event-ID (400) before streaming', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const base = await listen(s.app);
    const { id, token } = await s.start('colours');
    const other = await s.start('colours');

    expect((await fetch(`${base}/api/v1/conversations/${id}/events`)).status).toBe(401);
    const wrong = await fetch(`${base}/api/v1/conversations/${id}/events?token=${other.token}`);
    expect(wrong.status).toBe(404);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('conversation_not_found');
    const bad = await fetch(`${base}/api/v1/conversations/${id}/events?token=${token}`, { headers: { 'last-event-id': 'soon' } });
    expect(bad.status).toBe(400);
  });

  it('sends heartbeat comments on an idle stream', async () => {
    const s = await testServer({ heartbeatMs: 50 });
    await s.publishBot(CHOICE_BOT);
    const base = await listen(s.app);
    const { id, token } = await s.start('colours');
    const stream = await openEvents(`${base}/api/v1/conversations/${id}/events?token=${token}&lastEventId=99`);
    // Polled rather than counted after a fixed 300 ms: a loaded machine may run the 50 ms timer late.
    await expect.poll(() => stream.comments.length).toBeGreaterThanOrEqual(2);
    stream.close();
  });

  it('ends open streams when the server closes, and stops following a client that left', async () => {
    const s = await testServer();
    await s.publishBot(CHOICE_BOT);
    const base = await listen(s.app);
    const { id, token } = await s.start('colours');

    const left = await openEvents(`${base}/api/v1/conversations/${id}/events?token=${token}`);
    await left.next();
    left.close();
    const stream = await openEvents(`${base}/api/v1/conversations/${id}/events?token=${token}`);
    await stream.next();

    const metrics = async () => (await s.app.inject({ url: '/metrics' })).body;
    await expect.poll(async () => /renkei_event_streams 1\b/.test(await metrics())).toBe(true);

    const started = Date.now();
    await s.app.close();
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a sixth open stream of one conversation, and more streams from one address than RENKEI_STREAMS_PER_IP, with 429', async () => {
    const s = await testServer({ env: { RENKEI_STREAMS_PER_IP: '7' } });
    await s.publishBot(CHOICE_BOT);
    const base = await listen(s.app);
    const one = await s.start('colours');
    const url = (c: { id: string; token: string }) => `${base}/api/v1/conversations/${c.id}/events?token=${c.token}&lastEventId=99`;

    const open: SseClient[] = [];
    for (let i = 0; i < 5; i++) open.push(await openEvents(url(one)));
    expect(open.map((o) => o.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await fetch(url(one));
    expect(sixth.status).toBe(429);
    expect((await sixth.json()).error).toMatchObject({ code: 'too_many_streams', message: expect.stringContaining('5 open event streams') });

    // A closed stream frees its place.
    open.shift()!.close();
    await expect
      .poll(async () => {
        const again = await openEvents(url(one));
        if (again.status === 200) open.push(again);
        return again.status;
      })
      .toBe(200);

    // Another conversation from the same address: two more, then the address's limit.
    const two = await s.start('colours');
    open.push(await openEvents(url(two)), await openEvents(url(two)));
    expect(open.map((o) => o.status)).toEqual(Array(7).fill(200));
    const past = await fetch(url(two));
    expect(past.status).toBe(429);
    expect((await past.json()).error.message).toContain('RENKEI_STREAMS_PER_IP');
    for (const o of open) o.close();
  });
});

import { describe, expect, it } from 'vitest';
import { HTML_AS_PNG, solidPng, SVG } from '../../appearance/test-images.ts';
import { imageIdOf } from '../../store/images.ts';
import { testServer, type TestServer } from '../test-support.ts';

const bot = (appearance: string) => `renkei: 1
id: styled
name: Styled desk
locale: en
start: ask_email
blocks:
  ask_email:
    type: ask
    kind: email
    prompt: Your email?
    save: visitor.email
    skip_if_known: true
    next: bye
  bye:
    type: end
    text: "Thanks %visitor.name% <%visitor.email%>"
${appearance}`;

async function upload(s: TestServer, bytes: Buffer, type = 'image/png') {
  return s.admin({ method: 'POST', url: '/api/v1/admin/images', headers: { 'content-type': type }, payload: bytes });
}

async function put(s: TestServer, yaml: string) {
  return s.admin({ method: 'PUT', url: '/api/v1/admin/bots/styled', headers: { 'content-type': 'application/yaml' }, payload: yaml });
}

describe('images for the widget', () => {
  it('are uploaded as raw bytes, known by their content, and served with their type and a year of caching to any site', async () => {
    const s = await testServer();
    const png = solidPng('#7a1fa2');
    const res = await upload(s, png);
    expect(res.statusCode).toBe(201);
    const id = imageIdOf(png);
    expect(res.json()).toEqual({ id, contentType: 'image/png', size: png.length, url: `/api/v1/images/${id}` });
    // The same bytes again, sent with a wrong (but image) type: the same image.
    const again = await upload(s, png, 'image/jpeg');
    expect(again.statusCode).toBe(200);
    expect(again.json().contentType).toBe('image/png');

    const served = await s.app.inject({ url: `/api/v1/images/${id}`, headers: { origin: 'https://customer.example' } });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload).toEqual(png);
    expect(served.headers).toMatchObject({
      'content-type': 'image/png',
      'cache-control': 'public, max-age=31536000, immutable',
      etag: `"${id}"`,
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'cross-origin',
    });
    const notModified = await s.app.inject({ url: `/api/v1/images/${id}`, headers: { 'if-none-match': `"${id}"` } });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.body).toBe('');
  });

  it('refuses what is not an image by its content, other types, oversized bodies and uploads without the admin token', async () => {
    const s = await testServer();
    const disguised = await upload(s, HTML_AS_PNG);
    expect(disguised.statusCode).toBe(400);
    expect(disguised.json().error.message).toContain('not a PNG, JPEG, GIF or WebP');
    expect((await upload(s, SVG, 'application/octet-stream')).statusCode).toBe(400);
    const svgType = await upload(s, SVG, 'image/svg+xml');
    expect(svgType.statusCode).toBe(415);
    expect(svgType.json().error.code).toBe('unsupported_media_type');
    const huge = await upload(s, Buffer.concat([solidPng('#000000'), Buffer.alloc(300 * 1024)]));
    expect(huge.statusCode).toBe(413);
    const anonymous = await s.app.inject({
      method: 'POST',
      url: '/api/v1/admin/images',
      headers: { 'content-type': 'image/png' },
      payload: solidPng('#000000'),
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await s.store.db.selectFrom('images').select('id').execute()).toEqual([]);

    expect((await s.app.inject({ url: `/api/v1/images/${'0'.repeat(32)}` })).statusCode).toBe(404);
    expect((await s.app.inject({ url: '/api/v1/images/..%2F..%2Fetc' })).statusCode).toBe(400);
  });
});

describe("the widget's settings", () => {
  it('come from the published version only: a saved draft changes nothing until it is published', async () => {
    const s = await testServer();
    const png = solidPng('#7a1fa2');
    const { id } = (await upload(s, png)).json<{ id: string }>();
    await s.publishBot(bot(`appearance:\n  accent: "#7A1FA2"\n  title: Acme help\n  avatar: ${id}\n  launcher: { position: left, offset: { x: 8, y: 30 } }\n`));

    const first = await s.app.inject({ url: '/api/v1/bots/styled/widget', headers: { origin: 'https://customer.example' } });
    expect(first.statusCode).toBe(200);
    expect(first.headers['access-control-allow-origin']).toBe('*');
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.json()).toEqual({
      botId: 'styled',
      version: 1,
      name: 'Styled desk',
      locale: 'en',
      appearance: {
        theme: 'light',
        accent: '#7a1fa2',
        title: 'Acme help',
        subtitle: null,
        avatar: `/api/v1/images/${id}`,
        greeting: null,
        position: 'left',
        offset: { x: 8, y: 30 },
        proactive: null,
      },
    });
    const etag = String(first.headers['etag']);
    expect((await s.app.inject({ url: '/api/v1/bots/styled/widget', headers: { 'if-none-match': etag } })).statusCode).toBe(304);

    const draft = await put(s, bot('appearance:\n  theme: dark\n  title: New look\n'));
    expect(draft.statusCode).toBe(200);
    expect((await s.app.inject({ url: '/api/v1/bots/styled/widget' })).json().appearance.title).toBe('Acme help');
    await s.admin({ method: 'POST', url: '/api/v1/admin/bots/styled/publish', payload: {} });
    const published = await s.app.inject({ url: '/api/v1/bots/styled/widget', headers: { 'if-none-match': etag } });
    expect(published.statusCode).toBe(200);
    expect(published.json().appearance).toMatchObject({ theme: 'dark', title: 'New look', avatar: null, accent: '#0b57d0' });
    expect((await s.app.inject({ url: '/api/v1/bots/nobody/widget' })).statusCode).toBe(404);
  });

  it('warn when a draft names an avatar that is not stored here, and refuse a malformed appearance by field', async () => {
    const s = await testServer();
    const missing = await put(s, bot(`appearance:\n  avatar: ${'a'.repeat(32)}\n`));
    expect(missing.statusCode).toBe(201);
    expect(missing.json().warnings).toEqual([expect.objectContaining({ code: 'image_not_found', field: 'appearance.avatar' })]);
    const bad = await put(s, bot('appearance:\n  accent: blue\n  launcher: { position: top }\n  colour: red\n'));
    expect(bad.statusCode).toBe(422);
    expect(bad.json().problems.map((p: { field: string; code: string }) => `${p.field} ${p.code}`)).toEqual([
      'appearance.accent invalid_value',
      'appearance.launcher.position invalid_option',
      'appearance.colour unknown_key',
    ]);
  });
});

describe('identifying the visitor', () => {
  it('fills visitor.* read like answers, so a later ask with skip_if_known is not asked', async () => {
    const s = await testServer();
    await s.publishBot(bot(''));
    const { id, token } = await s.start('styled');
    const auth = { authorization: `Bearer ${token}` };
    const res = await s.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${id}/visitor`,
      headers: { ...auth, origin: 'https://customer.example' },
      payload: { name: 'Ｈａｎａｋｏ', email: 'Hanako@Example.JP', phone: null, company: '' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.json()).toEqual({ conversationId: id, visitor: { name: 'Hanako', email: 'Hanako@example.jp', phone: '', company: '' } });
    // The question on screen is still answered; what it saves is the visitor's answer.
    const done = await s.reply(id, token, { text: 'hanako@example.com' });
    expect(done.json().messages).toEqual([{ text: 'Thanks Hanako <hanako@example.com>' }]);

    const known = await s.start('styled', { visitor: { name: 'Taro', email: 'taro@example.com' } });
    expect(known.body['messages']).toEqual([{ text: 'Thanks Taro <taro@example.com>' }]);
  });

  it('answers 400 naming the field for a refused value, a wrong type or an unknown field, and 404 without the token', async () => {
    const s = await testServer();
    await s.publishBot(bot(''));
    const { id, token } = await s.start('styled');
    const identify = (payload: object, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
      s.app.inject({ method: 'POST', url: `/api/v1/conversations/${id}/visitor`, headers, payload });

    const badEmail = await identify({ name: 'Hanako', email: 'hanako@' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().error).toMatchObject({ code: 'invalid_visitor', field: 'visitor.email' });
    expect(badEmail.json().error.message).toMatch(/^visitor\.email: /);
    const badPhone = await identify({ phone: '12-34' });
    expect(badPhone.json().error).toMatchObject({ code: 'invalid_visitor', field: 'visitor.phone' });
    const wrongType = await identify({ email: 42 });
    expect(wrongType.json().error).toMatchObject({ code: 'invalid_request', field: 'email' });
    const unknown = await identify({ age: '42' });
    expect(unknown.statusCode).toBe(400);
    expect((await identify({ name: 'X' }, { authorization: 'Bearer nope' })).statusCode).toBe(404);
    expect((await identify({ name: 'X' }, {})).statusCode).toBe(401);
    // Nothing of the refused calls was applied.
    expect((await identify({})).json().visitor).toEqual({ name: '', email: '', phone: '', company: '' });

    const badStart = await s.app.inject({ method: 'POST', url: '/api/v1/bots/styled/conversations', payload: { visitor: { email: 'nope' } } });
    expect(badStart.statusCode).toBe(400);
    expect(badStart.json().error).toMatchObject({ code: 'invalid_visitor', field: 'visitor.email' });
  });
});

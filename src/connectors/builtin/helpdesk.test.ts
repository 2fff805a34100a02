import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { addAgent, addDepartment, setDepartmentEnabled } from '../../store/directory.ts';
import { listRecords } from '../../store/records.ts';
import { STORE_TARGETS, tempStore, type StoreTarget } from '../../store/test-support.ts';
import { builtinHelpdesk } from './helpdesk.ts';
import { callContext, ticket } from './test-support.ts';

async function setup(kind: StoreTarget) {
  const store = await tempStore(kind);
  return { ...store, helpdesk: builtinHelpdesk(store.db) };
}

const visitor = { name: 'Taro Yamada', email: 'taro@example.com', phone: '090-1234-5678' };

describe.each(STORE_TARGETS)('on %s', (kind) => {
  describe('builtin tickets', () => {
    it('creates a ticket with every field and outputs its id and number', async () => {
      const { db, helpdesk } = await setup(kind);
      const agent = await addAgent(db, { email: 'hanako@example.com', name: 'Hanako' });
      const outcome = await helpdesk.createTicket(
        ticket({
          subject: 'チャットからの問い合わせ: Taro',
          description: 'from chat',
          status: 'On Hold',
          priority: 'High',
          classification: 'Question',
          department: 'support',
          assignee: 'HANAKO@example.com',
          contact: visitor,
        }),
        callContext({ botId: 'support' }),
      );
      const [record] = await listRecords(db, 'tickets');
      expect(outcome).toEqual({ outcome: 'success', outputs: { id: record?.id, number: '1' } });
      expect(record).toMatchObject({
        number: 1,
        subject: 'チャットからの問い合わせ: Taro',
        description: 'from chat',
        status: 'On Hold',
        priority: 'High',
        classification: 'Question',
        department: 'Support',
        assignee: agent.email,
        contact: visitor,
        botId: 'support',
      });
    });

    it('numbers tickets 1, 2, 3 … and opens them with status Open by default', async () => {
      const { db, helpdesk } = await setup(kind);
      for (const subject of ['a', 'b', 'c']) await helpdesk.createTicket(ticket({ subject }), callContext());
      const tickets = await listRecords(db, 'tickets');
      expect(tickets.map((t) => [t.number, t.subject, t.status])).toEqual([
        [3, 'c', 'Open'],
        [2, 'b', 'Open'],
        [1, 'a', 'Open'],
      ]);
    });

    it('gives 50 concurrent tickets the numbers 1..50 with no gap or repeat', async () => {
      const { db, helpdesk } = await setup(kind);
      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => helpdesk.createTicket(ticket({ subject: `t${i}` }), callContext())));
      const numbers = outcomes.map((o) => (o.outcome === 'success' ? Number(o.outputs.number) : 0));
      expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await listRecords(db, 'tickets', { limit: 1000 })).toHaveLength(50);
    });

    it('keeps numbers unique when three processes create tickets at once on the same database', async () => {
      const store = await setup(kind);
      await store.close();
      const helpdeskModule = fileURLToPath(new URL('./helpdesk.ts', import.meta.url));
      const storeModule = fileURLToPath(new URL('../../store/store.ts', import.meta.url));
      const script = `
        const { openStore } = await import(${JSON.stringify(storeModule)});
        const { builtinHelpdesk } = await import(${JSON.stringify(helpdeskModule)});
        const store = await openStore(process.argv[1]);
        const helpdesk = builtinHelpdesk(store.db);
        const ctx = (i) => ({ effectId: process.pid + ':' + i, botId: 'b', locale: 'en' });
        const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) =>
          helpdesk.createTicket({ subject: 's' + i, description: '', status: '', priority: '', classification: '',
            department: '', assignee: '', contact: { name: '', email: '', phone: '' } }, ctx(i))));
        await store.close();
        process.stdout.write(JSON.stringify(outcomes.map((o) => o.outcome === 'success' ? Number(o.outputs.number) : o.message)));
      `;
      const run = () => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, store.target], { timeout: 20_000 });
      const results = await Promise.all([run(), run(), run()]);
      const numbers = results.flatMap((r) => JSON.parse(r.stdout) as number[]);
      expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    });

    it('finds the department by id too', async () => {
      const { db, helpdesk } = await setup(kind);
      const sales = await addDepartment(db, { name: 'Sales' });
      await helpdesk.createTicket(ticket({ subject: 's', department: sales.id }), callContext());
      expect((await listRecords(db, 'tickets'))[0]?.department).toBe('Sales');
    });

    it('puts a ticket without a department in the oldest enabled one', async () => {
      const { db, helpdesk } = await setup(kind);
      await addDepartment(db, { name: 'Sales' });
      await setDepartmentEnabled(db, 'Support', false);
      await helpdesk.createTicket(ticket({ subject: 's' }), callContext());
      expect((await listRecords(db, 'tickets'))[0]?.department).toBe('Sales');
    });

    it('is department_invalid for an unknown or disabled department, or when none is enabled', async () => {
      const { db, helpdesk } = await setup(kind);
      expect(await helpdesk.createTicket(ticket({ subject: 's', department: 'Sales' }), callContext())).toEqual({
        outcome: 'department_invalid',
        message: 'the department "Sales" does not exist',
      });
      await setDepartmentEnabled(db, 'Support', false);
      expect(await helpdesk.createTicket(ticket({ subject: 's', department: 'SUPPORT' }), callContext())).toEqual({
        outcome: 'department_invalid',
        message: 'the department "Support" is disabled',
      });
      expect(await helpdesk.createTicket(ticket({ subject: 's' }), callContext())).toEqual({
        outcome: 'department_invalid',
        message: 'no department is given and none is enabled',
      });
      expect(await listRecords(db, 'tickets')).toEqual([]);
    });

    it('is assignee_invalid for an unknown or inactive agent', async () => {
      const { db, helpdesk } = await setup(kind);
      const jiro = await addAgent(db, { email: 'jiro@example.com', name: 'Jiro', active: false });
      expect(await helpdesk.createTicket(ticket({ subject: 's', assignee: 'nobody@example.com' }), callContext())).toEqual({
        outcome: 'assignee_invalid',
        message: 'no agent has the id or email "nobody@example.com"',
      });
      expect(await helpdesk.createTicket(ticket({ subject: 's', assignee: jiro.id }), callContext())).toEqual({
        outcome: 'assignee_invalid',
        message: 'the agent jiro@example.com is inactive',
      });
      expect(await listRecords(db, 'tickets')).toEqual([]);
    });

    it('assigns by agent id', async () => {
      const { db, helpdesk } = await setup(kind);
      const hanako = await addAgent(db, { email: 'hanako@example.com', name: 'Hanako' });
      await helpdesk.createTicket(ticket({ subject: 's', assignee: hanako.id }), callContext());
      expect((await listRecords(db, 'tickets'))[0]?.assignee).toBe('hanako@example.com');
    });

    it('refuses a ticket without a subject', async () => {
      const { db, helpdesk } = await setup(kind);
      expect(await helpdesk.createTicket(ticket({ subject: ' ', description: 'd' }), callContext())).toEqual({
        outcome: 'failure',
        message: 'the ticket subject is empty',
        retryable: false,
      });
      expect(await listRecords(db, 'tickets')).toEqual([]);
    });

    it('returns the first ticket when the same effect runs twice, also concurrently, without using a number', async () => {
      const { db, helpdesk } = await setup(kind);
      const ctx = callContext();
      const first = await helpdesk.createTicket(ticket({ subject: 'once' }), ctx);
      expect(await helpdesk.createTicket(ticket({ subject: 'once' }), ctx)).toEqual(first);
      const other = callContext();
      const racing = await Promise.all([1, 2, 3].map(() => helpdesk.createTicket(ticket({ subject: 'race' }), other)));
      expect(new Set(racing.map((o) => JSON.stringify(o))).size).toBe(1);
      expect(racing[0]).toMatchObject({ outcome: 'success', outputs: { number: '2' } });
      const next = await helpdesk.createTicket(ticket({ subject: 'next' }), callContext());
      expect(next).toMatchObject({ outputs: { number: '3' } });
      expect(await listRecords(db, 'tickets')).toHaveLength(3);
    });
  });
});

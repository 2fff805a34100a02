import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { addAgent, listDepartments } from './directory.ts';
import { StoreError } from './errors.ts';
import { newId } from './keys.ts';
import { countRecords, listRecords } from './records.ts';
import type { Database } from './schema.ts';
import { changeTicket, TicketChangeRefused, ticketChanges } from './ticket-changes.ts';
import { STORE_TARGETS, tempStore } from './test-support.ts';

const STATUSES = ['Open', 'On Hold', 'Closed'];

/** A ticket as the built-in helpdesk stores one (the connector sits above the store). */
async function ticket(db: Kysely<Database>, number: number, values: { status?: string; createdAt?: string; assigneeId?: string | null } = {}): Promise<string> {
  const [department] = await listDepartments(db);
  const id = newId();
  await db
    .insertInto('tickets')
    .values({
      id,
      number,
      subject: `Ticket ${number}`,
      description: null,
      status: values.status ?? 'Open',
      priority: null,
      classification: null,
      department_id: department!.id,
      assignee_id: values.assigneeId ?? null,
      contact_name: null,
      contact_email: null,
      contact_phone: null,
      bot_id: null,
      effect_id: null,
      created_at: values.createdAt ?? new Date().toISOString(),
    })
    .execute();
  return id;
}

describe.each(STORE_TARGETS)('on %s', (kind) => {
  describe("changing a built-in ticket's status and assignee", () => {
    it('changes both and keeps each change with its time, oldest first', async () => {
      const { db } = await tempStore(kind);
      const hana = await addAgent(db, { email: 'hana@example.com', name: 'Hana' });
      await addAgent(db, { email: 'ken@example.com', name: 'Ken' });
      const id = await ticket(db, 1, { assigneeId: hana.id });

      const before = Date.now();
      const made = await changeTicket(db, id, { status: 'On Hold', assignee: 'KEN@example.com' }, STATUSES);
      expect(made).toEqual([
        { field: 'status', from: 'Open', to: 'On Hold', at: expect.any(String) },
        { field: 'assignee', from: 'hana@example.com', to: 'ken@example.com', at: made[0]!.at },
      ]);
      expect(Date.parse(made[0]!.at)).toBeGreaterThanOrEqual(before - 1);
      await changeTicket(db, id, { status: 'Closed', assignee: null }, STATUSES);

      const [shown] = await listRecords(db, 'tickets', { id });
      expect(shown).toMatchObject({ status: 'Closed', assignee: null });
      expect((await ticketChanges(db, id)).map((c) => [c.field, c.from, c.to])).toEqual([
        ['status', 'Open', 'On Hold'],
        ['assignee', 'hana@example.com', 'ken@example.com'],
        ['status', 'On Hold', 'Closed'],
        ['assignee', 'ken@example.com', null],
      ]);
    });

    it('records nothing when the ticket already has the values', async () => {
      const { db } = await tempStore(kind);
      const hana = await addAgent(db, { email: 'hana@example.com', name: 'Hana' });
      const id = await ticket(db, 1, { assigneeId: hana.id });
      expect(await changeTicket(db, id, { status: 'Open', assignee: hana.id }, STATUSES)).toEqual([]);
      expect(await ticketChanges(db, id)).toEqual([]);
    });

    it('refuses a status the helpdesk does not have, an unknown or inactive agent, and an unknown ticket, changing nothing', async () => {
      const { db } = await tempStore(kind);
      await addAgent(db, { email: 'gone@example.com', name: 'Gone', active: false });
      const id = await ticket(db, 1);

      const refusal = (promise: Promise<unknown>) =>
        promise.then(
          () => undefined,
          (e: unknown) => e,
        );
      const status = await refusal(changeTicket(db, id, { status: '高' }, STATUSES));
      expect(status).toBeInstanceOf(TicketChangeRefused);
      expect(status).toMatchObject({ field: 'status', code: 'status_invalid', message: '"高" is not a status of the helpdesk (Open, On Hold, Closed)' });
      // The status is valid but the assignee is not: the whole change is refused.
      const inactive = await refusal(changeTicket(db, id, { status: 'Closed', assignee: 'gone@example.com' }, STATUSES));
      expect(inactive).toMatchObject({ field: 'assignee', code: 'assignee_invalid', message: 'the agent gone@example.com is inactive' });
      const unknown = await refusal(changeTicket(db, id, { assignee: 'nobody@example.com' }, STATUSES));
      expect(unknown).toMatchObject({ field: 'assignee', message: 'no agent has the email or id "nobody@example.com"' });
      await expect(changeTicket(db, 'no-such-ticket', { status: 'Closed' }, STATUSES)).rejects.toThrow(
        new StoreError('not_found', 'there is no ticket no-such-ticket'),
      );

      expect(await listRecords(db, 'tickets', { id })).toMatchObject([{ status: 'Open', assignee: null }]);
      expect(await ticketChanges(db, id)).toEqual([]);
    });

    it('keeps every change when two are made at once', async () => {
      const { db } = await tempStore(kind);
      const id = await ticket(db, 1);
      await Promise.all([changeTicket(db, id, { status: 'On Hold' }, STATUSES), changeTicket(db, id, { status: 'Closed' }, STATUSES)]);
      const changes = await ticketChanges(db, id);
      // Whichever came second starts from where the first left the ticket.
      expect(changes).toHaveLength(2);
      expect(changes[0]!.from).toBe('Open');
      expect(changes[1]!.from).toBe(changes[0]!.to);
      expect((await listRecords(db, 'tickets', { id }))[0]!.status).toBe(changes[1]!.to);
    });
  });

  describe('filtering records', () => {
    it('by status and by when they were created, counted alike', async () => {
      const { db } = await tempStore(kind);
      await ticket(db, 1, { status: 'Open', createdAt: '2026-12-05T23:59:59.999Z' });
      await ticket(db, 2, { status: 'Closed', createdAt: '2026-12-06T00:00:00.000Z' });
      await ticket(db, 3, { status: 'Open', createdAt: '2026-12-06T15:00:00.000Z' });
      await ticket(db, 4, { status: 'Open', createdAt: '2026-12-07T00:00:00.000Z' });
      const numbers = async (filter: Parameters<typeof countRecords>[2]) => {
        const rows = await listRecords(db, 'tickets', filter);
        expect(await countRecords(db, 'tickets', filter)).toBe(rows.length);
        return rows.map((r) => r.number);
      };
      expect(await numbers({ status: 'Open' })).toEqual([4, 3, 1]);
      expect(await numbers({ status: 'open' })).toEqual([]);
      // From is inclusive, to exclusive; an offset is the same instant in UTC.
      expect(await numbers({ createdFrom: '2026-12-06T00:00:00Z', createdTo: '2026-12-07T00:00:00Z' })).toEqual([3, 2]);
      expect(await numbers({ createdFrom: '2026-12-06T10:00:00+09:00', createdTo: '2026-12-07T10:00:00+09:00' })).toEqual([4, 3]);
      expect(await numbers({ status: 'Open', createdFrom: '2026-12-06T00:00:00Z', search: 'ticket 3' })).toEqual([3]);
    });

    it('refuses a status for records that have none, and a time that is not one', async () => {
      const { db } = await tempStore(kind);
      await expect(listRecords(db, 'leads', { status: 'Open' })).rejects.toThrow(new StoreError('invalid', 'only tickets have a status, not leads'));
      await expect(countRecords(db, 'deals', { createdFrom: 'yesterday' })).rejects.toThrow(
        new StoreError('invalid', 'from "yesterday" is not a date and time'),
      );
    });
  });
});

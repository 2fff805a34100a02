import { describe, expect, it } from 'vitest';
import { addList } from '../../store/directory.ts';
import { listRecords } from '../../store/records.ts';
import { STORE_TARGETS, tempStore, type StoreTarget } from '../../store/test-support.ts';
import { builtinMailing } from './mailing.ts';
import { callContext, subscription } from './test-support.ts';

async function setup(kind: StoreTarget) {
  const store = await tempStore(kind);
  return { db: store.db, mailing: builtinMailing(store.db) };
}

describe.each(STORE_TARGETS)('on %s', (kind) => {
  describe('builtin mailing lists', () => {
    it('subscribes a visitor to a list named in any case', async () => {
      const { db, mailing } = await setup(kind);
      const outcome = await mailing.subscribe(
        subscription({ list: 'NEWSLETTER', name: 'Taro', email: 'taro@example.com', phone: '090-1234-5678' }),
        callContext({ botId: 'news' }),
      );
      expect(outcome).toEqual({ outcome: 'success', outputs: { status: 'subscribed' } });
      expect(await listRecords(db, 'subscribers')).toMatchObject([
        { list: 'Newsletter', name: 'Taro', email: 'taro@example.com', phone: '090-1234-5678', botId: 'news' },
      ]);
    });

    it('subscribes by list id', async () => {
      const { db, mailing } = await setup(kind);
      const vip = await addList(db, { name: 'VIP' });
      await mailing.subscribe(subscription({ list: vip.id, email: 'a@example.com' }), callContext());
      expect((await listRecords(db, 'subscribers'))[0]).toMatchObject({ list: 'VIP', name: null, phone: null });
    });

    it('is success with no second subscriber when the same email subscribes again, even at once', async () => {
      const { db, mailing } = await setup(kind);
      const outcomes = await Promise.all(
        ['a@example.com', 'A@EXAMPLE.COM', ' ａ＠ｅｘａｍｐｌｅ．ｃｏｍ'].map((email) =>
          mailing.subscribe(subscription({ list: 'Newsletter', email }), callContext()),
        ),
      );
      expect(outcomes.map((o) => o.outcome)).toEqual(['success', 'success', 'success']);
      expect(await listRecords(db, 'subscribers')).toHaveLength(1);
    });

    it('keeps one email on two lists as two subscribers', async () => {
      const { db, mailing } = await setup(kind);
      await addList(db, { name: 'VIP' });
      await mailing.subscribe(subscription({ list: 'Newsletter', email: 'a@example.com' }), callContext());
      await mailing.subscribe(subscription({ list: 'VIP', email: 'a@example.com' }), callContext());
      expect((await listRecords(db, 'subscribers')).map((s) => s.list).sort()).toEqual(['Newsletter', 'VIP']);
    });

    it.each([
      [subscription({ list: 'Promotions', email: 'a@example.com' }), 'no mailing list is named "Promotions" or has that id'],
      [subscription({ list: 'Newsletter', name: 'Taro', email: '  ' }), "the subscriber's email is empty"],
      [subscription({ email: 'a@example.com' }), 'no mailing list is given'],
    ])('refuses %o: %s', async (request, message) => {
      const { db, mailing } = await setup(kind);
      expect(await mailing.subscribe(request, callContext())).toEqual({ outcome: 'failure', message, retryable: false });
      expect(await listRecords(db, 'subscribers')).toEqual([]);
    });

    it('creates nothing new when the same effect runs twice', async () => {
      const { db, mailing } = await setup(kind);
      const ctx = callContext();
      await mailing.subscribe(subscription({ list: 'Newsletter', email: 'a@example.com' }), ctx);
      expect(await mailing.subscribe(subscription({ list: 'Newsletter', email: 'a@example.com' }), ctx)).toEqual({
        outcome: 'success',
        outputs: { status: 'subscribed' },
      });
      expect(await listRecords(db, 'subscribers')).toHaveLength(1);
    });
  });
});

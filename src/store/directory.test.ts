import { describe, expect, it } from 'vitest';
import {
  addAgent,
  addDepartment,
  addList,
  findAgent,
  findDepartment,
  findList,
  listAgents,
  listDepartments,
  listLists,
  setAgentActive,
  setDepartmentEnabled,
} from './directory.ts';
import { StoreError } from './errors.ts';
import { STORE_TARGETS, tempStore } from './test-support.ts';

describe.each(STORE_TARGETS)('on %s', (kind) => {
  describe('departments', () => {
    it('adds enabled or disabled departments and lists them oldest first', async () => {
      const { db } = await tempStore(kind);
      const sales = await addDepartment(db, { name: '  Sales ' });
      await addDepartment(db, { name: 'Billing', enabled: false });
      expect(sales).toMatchObject({ name: 'Sales', enabled: true });
      expect((await listDepartments(db)).map((d) => [d.name, d.enabled])).toEqual([
        ['Support', true],
        ['Sales', true],
        ['Billing', false],
      ]);
    });

    it('refuses a duplicate name whatever its case or width', async () => {
      const { db } = await tempStore(kind);
      await expect(addDepartment(db, { name: 'ＳＵＰＰＯＲＴ' })).rejects.toThrow(new StoreError('duplicate', 'a department named "SUPPORT" already exists'));
      expect(await listDepartments(db)).toHaveLength(1);
    });

    it('refuses an empty name', async () => {
      const { db } = await tempStore(kind);
      await expect(addDepartment(db, { name: '   ' })).rejects.toThrow('the department name is empty');
    });

    it('is found by id or by name in any case, and can be disabled and enabled again', async () => {
      const { db } = await tempStore(kind);
      const billing = await addDepartment(db, { name: 'Billing' });
      expect((await findDepartment(db, billing.id))?.name).toBe('Billing');
      expect((await findDepartment(db, 'billing'))?.id).toBe(billing.id);
      expect(await findDepartment(db, 'Nowhere')).toBeUndefined();
      expect(await setDepartmentEnabled(db, 'BILLING', false)).toMatchObject({ id: billing.id, enabled: false });
      expect((await findDepartment(db, billing.id))?.enabled).toBe(0);
      expect((await setDepartmentEnabled(db, billing.id, true)).enabled).toBe(true);
    });

    it('says so when the department to enable does not exist', async () => {
      const { db } = await tempStore(kind);
      await expect(setDepartmentEnabled(db, 'Nowhere', true)).rejects.toMatchObject({
        kind: 'not_found',
        message: 'no department is named "Nowhere" or has that id',
      });
    });
  });

  describe('agents', () => {
    it('adds active and inactive agents', async () => {
      const { db } = await tempStore(kind);
      await addAgent(db, { email: 'Hanako@Example.com', name: 'Hanako' });
      await addAgent(db, { email: 'jiro@example.com', name: 'Jiro', active: false });
      expect((await listAgents(db)).map((a) => [a.email, a.name, a.active])).toEqual([
        ['Hanako@Example.com', 'Hanako', true],
        ['jiro@example.com', 'Jiro', false],
      ]);
    });

    it('refuses a second agent with the same email in another case', async () => {
      const { db } = await tempStore(kind);
      await addAgent(db, { email: 'hanako@example.com', name: 'Hanako' });
      await expect(addAgent(db, { email: 'HANAKO@example.com', name: 'Other' })).rejects.toMatchObject({
        kind: 'duplicate',
        message: 'an agent with the email HANAKO@example.com already exists',
      });
    });

    it('refuses something that is not an email, and an empty name', async () => {
      const { db } = await tempStore(kind);
      await expect(addAgent(db, { email: 'hanako', name: 'Hanako' })).rejects.toThrow('"hanako" is not an email address');
      await expect(addAgent(db, { email: 'h@example.com', name: '' })).rejects.toThrow('the agent name is empty');
      expect(await listAgents(db)).toEqual([]);
    });

    it('is found by id or email in any case, and can be made inactive', async () => {
      const { db } = await tempStore(kind);
      const hanako = await addAgent(db, { email: 'hanako@example.com', name: 'Hanako' });
      expect((await findAgent(db, 'HANAKO@EXAMPLE.COM'))?.id).toBe(hanako.id);
      expect((await findAgent(db, hanako.id))?.email).toBe('hanako@example.com');
      expect((await setAgentActive(db, hanako.email, false)).active).toBe(false);
      expect((await listAgents(db))[0]?.active).toBe(false);
      await expect(setAgentActive(db, 'nobody@example.com', true)).rejects.toThrow('no agent has the email or id "nobody@example.com"');
    });
  });

  describe('mailing lists', () => {
    it('adds lists, refuses duplicates, finds by id or name', async () => {
      const { db } = await tempStore(kind);
      const vip = await addList(db, { name: 'VIP' });
      await expect(addList(db, { name: 'newsletter' })).rejects.toThrow('a mailing list named "newsletter" already exists');
      await expect(addList(db, { name: '' })).rejects.toThrow('the list name is empty');
      expect((await listLists(db)).map((l) => l.name)).toEqual(['Newsletter', 'VIP']);
      expect((await findList(db, 'vip'))?.id).toBe(vip.id);
      expect((await findList(db, vip.id))?.name).toBe('VIP');
      expect(await findList(db, 'Unknown')).toBeUndefined();
    });
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBotText } from '../flow/index.ts';
import { getPublished, getVersion, listBots, listVersions, publish, publishFile, rollback, saveDraft } from './bots.ts';
import { StoreError } from './errors.ts';
import { STORE_TARGETS, tempDir, tempStore } from './test-support.ts';

const file = (name: string, greeting: string) => `
renkei: 1
id: greeter
name: ${name}
start: hello
blocks:
  hello:
    type: end
    text: "${greeting}"
`;

function draft(source: string) {
  const { bot } = loadBotText(source, 'greeter.yaml');
  if (!bot) throw new Error('test bot is invalid');
  return { source, format: 'yaml' as const, bot };
}

async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe.each(STORE_TARGETS)('bot versions on %s', (kind) => {
  it('numbers uploads, publishes the latest by default, rolls back, and keeps every version', async () => {
    const { db } = await tempStore(kind);
    expect(await saveDraft(db, 'greeter', draft(file('Greeter', 'one')))).toEqual({ version: 1 });
    expect(await getPublished(db, 'greeter')).toBeUndefined();
    expect(await saveDraft(db, 'greeter', draft(file('Greeter 2', 'two')))).toEqual({ version: 2 });

    expect(await listBots(db)).toMatchObject([{ id: 'greeter', name: 'Greeter 2', publishedVersion: null, latestVersion: 2 }]);
    expect(await publish(db, 'greeter')).toEqual({ version: 2 });
    const published = await getPublished(db, 'greeter');
    expect(published).toMatchObject({ version: 2, format: 'yaml', source: file('Greeter 2', 'two') });
    expect(published!.bot.blocks['hello']).toMatchObject({ type: 'end', text: 'two' });

    await saveDraft(db, 'greeter', draft(file('Greeter 3', 'three')));
    // A new draft does not change what visitors get.
    expect((await getPublished(db, 'greeter'))!.version).toBe(2);
    expect(await rollback(db, 'greeter', 1)).toEqual({ version: 1 });
    expect((await getPublished(db, 'greeter'))!.bot.blocks['hello']).toMatchObject({ text: 'one' });

    const versions = await listVersions(db, 'greeter');
    expect(versions.map((v) => [v.version, v.published, v.publishedAt !== null])).toEqual([
      [3, false, false],
      [2, false, true],
      [1, true, true],
    ]);
    expect(await getVersion(db, 'greeter', 3)).toMatchObject({ version: 3, published: false, source: file('Greeter 3', 'three') });
    expect(await getVersion(db, 'greeter', 9)).toBeUndefined();
  });

  it('gives racing uploads different versions', async () => {
    const { db } = await tempStore(kind);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => saveDraft(db, 'greeter', draft(file('G', `v${i}`)))));
    expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses to publish what does not exist, and a rollback that is not one', async () => {
    const { db } = await tempStore(kind);
    expect((await storeError(publish(db, 'nobody'))).kind).toBe('not_found');
    await saveDraft(db, 'greeter', draft(file('G', 'one')));
    expect((await storeError(publish(db, 'greeter', 7))).kind).toBe('not_found');
    await saveDraft(db, 'greeter', draft(file('G', 'two')));
    await publish(db, 'greeter');
    expect((await storeError(rollback(db, 'greeter', 2))).kind).toBe('invalid');
    expect((await storeError(rollback(db, 'greeter', 5))).kind).toBe('not_found');
    expect((await storeError(rollback(db, 'nobody', 1))).kind).toBe('not_found');
    expect((await getPublished(db, 'greeter'))!.version).toBe(2);
  });

  it('publishes a file once, and again only when it changed', async () => {
    const { db } = await tempStore(kind);
    const dir = tempDir();
    const path = join(dir, 'greeter.yaml');
    writeFileSync(path, file('G', 'hello'));
    expect(await publishFile(db, path)).toEqual({ botId: 'greeter', version: 1, created: true });
    expect(await publishFile(db, path)).toEqual({ botId: 'greeter', version: 1, created: false });
    writeFileSync(path, file('G', 'hello again'));
    expect(await publishFile(db, path)).toEqual({ botId: 'greeter', version: 2, created: true });

    const json = join(dir, 'other.json');
    writeFileSync(json, JSON.stringify({ renkei: 1, id: 'other', name: 'Other', start: 'a', blocks: { a: { type: 'end' } } }));
    expect(await publishFile(db, json)).toMatchObject({ botId: 'other', version: 1 });
    expect((await getPublished(db, 'other'))!.format).toBe('json');

    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, file('G', 'x').replace('type: end', 'type: nothing'));
    const error = await storeError(publishFile(db, broken));
    expect(error.kind).toBe('invalid');
    expect(error.message).toContain('broken.yaml');
    expect((await storeError(publishFile(db, join(dir, 'missing.yaml')))).kind).toBe('not_found');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { openStore, type Store } from './store.ts';

/** A fresh store in a temporary SQLite file, closed and deleted when the test finishes. */
export async function tempStore(): Promise<Store & { readonly file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-store-'));
  const file = join(dir, 'renkei.db');
  const store = await openStore(file);
  onTestFinished(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { ...store, file };
}

/** A temporary directory, deleted when the test finishes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'renkei-store-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

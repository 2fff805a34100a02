import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { imageTypeOf, IMAGE_MAX_BYTES, type ImageType } from '../appearance/image-type.ts';
import { StoreError } from './errors.ts';
import { nowIso } from './keys.ts';
import type { Database } from './schema.ts';

export interface StoredImage {
  readonly id: string;
  readonly contentType: ImageType;
  readonly size: number;
  readonly createdAt: string;
}

/** The id an image gets: the first 32 hex digits of its SHA-256 (`sha256sum file | cut -c1-32`). */
export const imageIdOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').slice(0, 32);

/**
 * Stores an image unless the same bytes are stored already (`created` false then). Refuses what
 * is not a PNG, JPEG, GIF or WebP by its content, and anything over IMAGE_MAX_BYTES.
 */
export async function saveImage(db: Kysely<Database>, bytes: Uint8Array): Promise<StoredImage & { readonly created: boolean }> {
  if (bytes.length === 0) throw new StoreError('invalid', 'the image is empty');
  if (bytes.length > IMAGE_MAX_BYTES) {
    throw new StoreError('invalid', `the image is ${bytes.length} bytes; at most ${IMAGE_MAX_BYTES} bytes (256 KiB) are accepted`);
  }
  const contentType = imageTypeOf(bytes);
  if (contentType === null) throw new StoreError('invalid', 'the file is not a PNG, JPEG, GIF or WebP image (judged by its content)');
  const id = imageIdOf(bytes);
  const createdAt = nowIso();
  const inserted = await db
    .insertInto('images')
    .values({ id, content_type: contentType, size: bytes.length, data: Buffer.from(bytes).toString('base64'), created_at: createdAt })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  const created = (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
  if (created) return { id, contentType, size: bytes.length, createdAt, created };
  const existing = await findImage(db, id);
  if (!existing) throw new StoreError('corrupt', `image ${id} was neither stored nor found`);
  return { ...existing, created };
}

export async function findImage(db: Kysely<Database>, id: string): Promise<StoredImage | undefined> {
  const row = await db.selectFrom('images').select(['id', 'content_type', 'size', 'created_at']).where('id', '=', id).executeTakeFirst();
  return row && { id: row.id, contentType: row.content_type as ImageType, size: row.size, createdAt: row.created_at };
}

export async function readImage(db: Kysely<Database>, id: string): Promise<{ readonly contentType: ImageType; readonly bytes: Buffer } | undefined> {
  const row = await db.selectFrom('images').select(['content_type', 'data']).where('id', '=', id).executeTakeFirst();
  return row && { contentType: row.content_type as ImageType, bytes: Buffer.from(row.data, 'base64') };
}

/** Which of `ids` are stored. */
export async function storedImageIds(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('images')
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}

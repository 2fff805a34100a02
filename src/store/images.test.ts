import { describe, expect, it } from 'vitest';
import { IMAGE_MAX_BYTES } from '../appearance/image-type.ts';
import { HTML_AS_PNG, solidPng, SVG } from '../appearance/test-images.ts';
import { StoreError } from './errors.ts';
import { findImage, imageIdOf, readImage, saveImage, storedImageIds } from './images.ts';
import { STORE_TARGETS, tempStore } from './test-support.ts';

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).kind).toBe('invalid');
  return (error as StoreError).message;
}

describe.each(STORE_TARGETS)('images on %s', (kind) => {
  it('stores an image once by its content and gives the same bytes back', async () => {
    const { db } = await tempStore(kind);
    const png = solidPng('#0b57d0');
    const first = await saveImage(db, png);
    expect(first).toMatchObject({ id: imageIdOf(png), contentType: 'image/png', size: png.length, created: true });
    expect(first.id).toMatch(/^[0-9a-f]{32}$/);
    const again = await saveImage(db, png);
    expect(again).toMatchObject({ id: first.id, created: false, createdAt: first.createdAt });
    expect(await readImage(db, first.id)).toEqual({ contentType: 'image/png', bytes: png });
    expect(await findImage(db, first.id)).toMatchObject({ size: png.length });
    expect(await storedImageIds(db, [first.id, imageIdOf(solidPng('#ffffff'))])).toEqual(new Set([first.id]));
  });

  it('refuses what is not an image whatever it is called, an empty file, and one over the limit, storing nothing', async () => {
    const { db } = await tempStore(kind);
    expect(await refusal(saveImage(db, HTML_AS_PNG))).toContain('not a PNG, JPEG, GIF or WebP');
    expect(await refusal(saveImage(db, SVG))).toContain('not a PNG');
    expect(await refusal(saveImage(db, new Uint8Array()))).toBe('the image is empty');
    const big = Buffer.concat([solidPng('#000000'), Buffer.alloc(IMAGE_MAX_BYTES)]);
    expect(await refusal(saveImage(db, big))).toContain('at most 262144 bytes');
    expect(await db.selectFrom('images').select('id').execute()).toEqual([]);
  });
});

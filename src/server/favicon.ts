import { crc32, deflateSync } from 'node:zlib';

/*
 * Renkei's icon: two linked rings (連携, working together) in white on the admin's header blue,
 * 32×32. Drawn here rather than kept as a binary file; browsers ask every origin for
 * /favicon.ico, and a 404 there is noise in every log and console.
 */

const SIZE = 32;
const BACKGROUND = [0x24, 0x3b, 0x53] as const;
const CORNER = 7;
const RING = { radius: 6.6, width: 2.6, centres: [11.6, 20.4], y: 16 } as const;
/** Samples per pixel edge: 4×4 samples make the curves smooth. */
const SAMPLES = 4;

function inRoundedSquare(x: number, y: number): boolean {
  const dx = Math.max(CORNER - x, x - (SIZE - CORNER), 0);
  const dy = Math.max(CORNER - y, y - (SIZE - CORNER), 0);
  return dx * dx + dy * dy <= CORNER * CORNER;
}

function onRing(x: number, y: number): boolean {
  return RING.centres.some((cx) => Math.abs(Math.hypot(x - cx, y - RING.y) - RING.radius) <= RING.width / 2);
}

/** RGBA rows, each behind PNG's filter byte 0. */
function pixels(): Buffer {
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 4);
    for (let x = 0; x < SIZE; x++) {
      let inside = 0;
      let white = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const px = x + (sx + 0.5) / SAMPLES;
          const py = y + (sy + 0.5) / SAMPLES;
          if (!inRoundedSquare(px, py)) continue;
          inside++;
          if (onRing(px, py)) white++;
        }
      }
      const at = row + 1 + x * 4;
      const share = inside === 0 ? 0 : white / inside;
      for (let c = 0; c < 3; c++) rows[at + c] = Math.round(BACKGROUND[c]! + (255 - BACKGROUND[c]!) * share);
      rows[at + 3] = Math.round((255 * inside) / (SAMPLES * SAMPLES));
    }
  }
  return rows;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels())),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An ICO file holding one 32×32 PNG (every browser since 2010 reads PNG inside ICO). */
function ico(): Buffer {
  const image = png();
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header[6] = SIZE;
  header[7] = SIZE;
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, image]);
}

let cached: Buffer | undefined;

/** The icon's bytes, drawn once. */
export function faviconIco(): Buffer {
  return (cached ??= ico());
}

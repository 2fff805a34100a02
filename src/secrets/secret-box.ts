import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Sealed blobs carry a version so a later key rotation or cipher change can tell them apart. */
const PREFIX = 'v1.';
const HEX_KEY = /^[0-9a-fA-F]{64}$/;

export class SecretKeyError extends Error {
  override readonly name = 'SecretKeyError';
}

/** A sealed blob that is not ours, was altered, or was sealed with another key. */
export class SecretOpenError extends Error {
  override readonly name = 'SecretOpenError';
}

/**
 * Encrypts credentials for storage (AES-256-GCM, a fresh random IV per seal). The GCM tag makes
 * any change to a blob, or an attempt to open it with another key, an error rather than garbage.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretKeyError(`a secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
    this.#key = Buffer.from(key);
  }

  /**
   * The box for a database: `RENKEI_SECRET_KEY` when set, otherwise the key file `<db>.key`
   * (created on first use). `:memory:` databases get a throw-away key, since their data dies with
   * the process anyway. A database given as a URL (PostgreSQL) has no place for a key file, so it
   * needs the environment variable.
   */
  static forDatabase(db: string, env: Readonly<Record<string, string | undefined>> = process.env): SecretBox {
    const fromEnv = env.RENKEI_SECRET_KEY;
    if (fromEnv !== undefined && fromEnv !== '') return new SecretBox(parseHexKey(fromEnv, 'RENKEI_SECRET_KEY'));
    if (db === ':memory:' || db === '') return new SecretBox(randomBytes(KEY_BYTES));
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(db)) {
      throw new SecretKeyError('RENKEI_SECRET_KEY must be set (64 hex characters) when the database is not a local file: there is nowhere to keep a key file');
    }
    return new SecretBox(loadOrCreateKeyFile(`${db}.key`));
  }

  seal(secrets: Readonly<Record<string, string>>): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(sealed: string): Record<string, string> {
    if (!sealed.startsWith(PREFIX)) throw new SecretOpenError('not a sealed secret (unknown format)');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretOpenError('sealed secret is truncated');
    const decipher = createDecipheriv(ALGORITHM, this.#key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    let plain: string;
    try {
      plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretOpenError('cannot decrypt a stored secret: it was altered, or sealed with a different key (check RENKEI_SECRET_KEY or the .key file)');
    }
    const value: unknown = JSON.parse(plain);
    if (!isStringRecord(value)) throw new SecretOpenError('sealed secret does not hold a string map');
    return value;
  }
}

function parseHexKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (!HEX_KEY.test(trimmed)) {
    throw new SecretKeyError(`${source} must be exactly 64 hexadecimal characters (32 bytes); generate one with: openssl rand -hex 32`);
  }
  return Buffer.from(trimmed, 'hex');
}

function loadOrCreateKeyFile(path: string): Buffer {
  let fd: number;
  try {
    // 'wx' fails when the file exists, so two processes starting at once never overwrite each
    // other's key; the loser reads the winner's file below.
    fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(KEY_BYTES).toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  fd = openSync(path, 'r');
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new SecretKeyError(
        `refusing to use the secret key file ${path}: its mode is ${mode.toString(8).padStart(4, '0')}, readable by others; run chmod 600 ${path}`,
      );
    }
    return parseHexKey(readFileSync(fd, 'utf8'), `the key file ${path}`);
  } finally {
    closeSync(fd);
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

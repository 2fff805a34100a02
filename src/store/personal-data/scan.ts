/**
 * Reading a whole table without holding the database: keyset pages, each its own short query, so
 * visitor turns (on SQLite, queued for the one connection) run between two pages.
 */

/** Rows one page reads. Small enough that a page of conversation states takes a few milliseconds. */
export const PAGE_SIZE = 500;

/** Largest `in (…)` list one statement gets: well under SQLite's and PostgreSQL's parameter limits. */
export const IN_LIST = 500;

/**
 * Calls `page(after)` with the key of the last row of the previous page (undefined first) until a
 * page comes back short, and hands every row to `visit`.
 */
export async function scanPages<T>(
  page: (after: string | undefined, limit: number) => Promise<readonly T[]>,
  keyOf: (row: T) => string,
  visit: (row: T) => void,
  limit = PAGE_SIZE,
): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const rows = await page(after, limit);
    for (const row of rows) visit(row);
    if (rows.length < limit) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}

/** `items` in slices of at most `size`. */
export function chunked<T>(items: readonly T[], size = IN_LIST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Rows of `select … where key in (…)` over any number of keys, a chunk per statement. */
export async function inChunks<T>(keys: readonly string[], select: (chunk: string[]) => Promise<readonly T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunked(keys)) out.push(...(await select(chunk)));
  return out;
}

/** The sum of `run(chunk)` over the keys in chunks (rows deleted or updated). */
export async function sumChunks(keys: readonly string[], run: (chunk: string[]) => Promise<number>): Promise<number> {
  let total = 0;
  for (const chunk of chunked(keys)) total += await run(chunk);
  return total;
}

/** A parsed JSON column; a value that does not parse is kept as the text it is (so it is still searched and shown). */
export function parsedJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Rows affected by an UPDATE or DELETE, as Kysely reports them. */
export function affected(result: { readonly numUpdatedRows?: bigint; readonly numDeletedRows?: bigint }): number {
  return Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n);
}

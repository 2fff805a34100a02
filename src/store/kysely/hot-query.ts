import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * A query on a visitor's turn, built once per dialect and then only re-run with new parameters.
 * Kysely builds a query's SQL anew on every call, and for the short statements of a turn that
 * costs more CPU than the database takes to run them.
 *
 * `build` is called once per dialect (and per `shape`, e.g. how many rows an insert has) with a
 * unique marker in place of every parameter; where each marker lands in the compiled parameters
 * tells where each later call's values go. A marker that Kysely would inline instead of binding
 * is caught on that first build.
 */
export function hotQuery<R>(
  build: (db: Kysely<Database>, params: readonly unknown[]) => Compilable<R>,
): (db: Kysely<Database>, params: readonly unknown[], shape?: string | number) => Promise<QueryResult<R>> {
  const compiledByAdapter = new WeakMap<object, Map<string | number, { query: CompiledQuery<R>; order: number[] }>>();
  return (db, params, shape = '') => {
    // One adapter per dialect instance, shared by the database and its transactions.
    const adapter = db.getExecutor().adapter;
    let byShape = compiledByAdapter.get(adapter);
    if (!byShape) compiledByAdapter.set(adapter, (byShape = new Map()));
    let hot = byShape.get(shape);
    if (!hot) {
      const markers = params.map((_, i) => `\u0000hot-query-parameter-${i}\u0000`);
      const query = build(db, markers).compile();
      const order = query.parameters.map((p) => markers.indexOf(p as string));
      if (order.includes(-1) || new Set(order).size !== markers.length) {
        throw new Error(`hotQuery: the query does not bind each parameter exactly once: ${query.sql}`);
      }
      byShape.set(shape, (hot = { query, order }));
    }
    return db.executeQuery({ ...hot.query, parameters: hot.order.map((i) => params[i]) });
  };
}

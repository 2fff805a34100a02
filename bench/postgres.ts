/** The PostgreSQL the benches use (each run in a schema of its own, dropped afterwards). */
export const BENCH_POSTGRES_URL = process.env['RENKEI_BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

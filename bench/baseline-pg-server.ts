/**
 * The yardstick for Renkei's visitor turn on PostgreSQL: a bare Fastify route with no Renkei code
 * doing what a turn must do, in one transaction per request over a `pg` pool: read the
 * conversation (locking its row), update it, append a message. Primary keys only, no other index; a pool of 10
 * connections, as Renkei's default.
 *
 * Run as a child process: `node bench/baseline-pg-server.ts URL SCHEMA CONVERSATIONS`; prints its URL.
 */
import Fastify from 'fastify';
import pg from 'pg';

const [url, schema, count] = process.argv.slice(2);
if (!url || !schema || !count) throw new Error('usage: node bench/baseline-pg-server.ts URL SCHEMA CONVERSATIONS');

const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
await pool.query(`create schema if not exists ${schema}`);
await pool.query(`
  create table conversations (id text primary key, state text not null, last_seq integer not null, updated_at text not null);
  create table messages (conversation_id text not null, seq integer not null, text text not null, created_at text not null,
    primary key (conversation_id, seq));
`);
const now = new Date().toISOString();
await pool.query(`insert into conversations select 'c' || i, '{}', 0, $1 from generate_series(0, $2 - 1) as i`, [now, Number(count)]);

const app = Fastify({ logger: false });
app.post<{ Params: { id: string }; Body: { text: string } }>('/conversations/:id/replies', async (request, reply) => {
  const { id } = request.params;
  const { text } = request.body;
  const at = new Date().toISOString();
  const client = await pool.connect();
  try {
    await client.query('begin');
    // Locked: a request still in flight from the previous run (or a reconnected client) may be on
    // the same conversation, and two read-then-write turns must not both take the next seq.
    const { rows } = await client.query({ name: 'read', text: 'select state, last_seq from conversations where id = $1 for update', values: [id] });
    const row = rows[0] as { last_seq: number } | undefined;
    if (!row) {
      await client.query('rollback');
      return reply.code(404).send({ error: 'no such conversation' });
    }
    const seq = row.last_seq + 1;
    await client.query({
      name: 'update',
      text: 'update conversations set state = $1, last_seq = $2, updated_at = $3 where id = $4',
      values: [JSON.stringify({ said: text }), seq, at, id],
    });
    await client.query({ name: 'append', text: 'insert into messages values ($1, $2, $3, $4)', values: [id, seq, text, at] });
    await client.query('commit');
    return { conversationId: id, messages: [{ text: `You said: ${text}` }], lastEventId: seq };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`pg baseline listening at ${address}`);
process.on('SIGTERM', () => {
  void app.close().then(async () => {
    await pool.end();
    process.exit(0);
  });
});

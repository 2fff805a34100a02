/**
 * The leanest honest yardstick for Renkei's visitor turn on SQLite: a bare Fastify route with no
 * Renkei code that, in one transaction per request, reads the conversation, updates its row and
 * appends one message row — the least any chat turn must store. Primary keys only, no other
 * index. WAL, synchronous=NORMAL, as Renkei's store.
 *
 * Run as a child process: `node bench/baseline-lean-server.ts FILE CONVERSATIONS`; prints its URL.
 */
import { DatabaseSync } from 'node:sqlite';
import Fastify from 'fastify';

const [file, count] = process.argv.slice(2);
if (!file || !count) throw new Error('usage: node bench/baseline-lean-server.ts FILE CONVERSATIONS');

const db = new DatabaseSync(file);
db.exec('pragma journal_mode = wal');
db.exec('pragma synchronous = normal');
db.exec(`
  create table conversations (id text primary key, state text not null, last_seq integer not null, updated_at text not null);
  create table messages (conversation_id text not null, seq integer not null, text text not null, created_at text not null,
    primary key (conversation_id, seq));
`);
const now = new Date().toISOString();
const create = db.prepare("insert into conversations values (?, '{}', 0, ?)");
for (let i = 0; i < Number(count); i++) create.run(`c${i}`, now);

const read = db.prepare('select state, last_seq from conversations where id = ?');
const update = db.prepare('update conversations set state = ?, last_seq = ?, updated_at = ? where id = ?');
const append = db.prepare('insert into messages values (?, ?, ?, ?)');

const app = Fastify({ logger: false });
app.post<{ Params: { id: string }; Body: { text: string } }>('/conversations/:id/replies', async (request, reply) => {
  const { id } = request.params;
  const { text } = request.body;
  const at = new Date().toISOString();
  db.exec('begin immediate');
  try {
    const row = read.get(id);
    if (!row) {
      db.exec('rollback');
      return reply.code(404).send({ error: 'no such conversation' });
    }
    const seq = Number(row['last_seq']) + 1;
    update.run(JSON.stringify({ said: text }), seq, at, id);
    append.run(id, seq, text, at);
    db.exec('commit');
    return { conversationId: id, messages: [{ text: `You said: ${text}` }], lastEventId: seq };
  } catch (error) {
    db.exec('rollback');
    throw error;
  }
});

const url = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`lean baseline listening at ${url}`);
process.on('SIGTERM', () => {
  void app.close().then(() => {
    db.close();
    process.exit(0);
  });
});

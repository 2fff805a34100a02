/**
 * The yardstick for Renkei's visitor turn: a bare Fastify route with no Renkei code, doing in one
 * SQLite transaction the writes one turn of the bench bot does (src/runtime/turns.ts replyTo →
 * conversations.ts writeAdvance): 2 write statements, 5 rows —
 *   1. UPDATE of the conversation row (state, version, last seq, updated_at; two indexes touched),
 *   2. one INSERT of the turn's 4 events (the visitor's answer, "You said…", the question again,
 *      the input request).
 * No effect, so no outbox row; the notification is in-process. Same tables, indexes and pragmas as
 * Renkei's store (WAL, synchronous=NORMAL, foreign keys).
 * Each request commits alone, as a bare route would; Renkei commits the turns that reach their
 * write at the same moment together (src/store/group-commit.ts), plus reads the conversation first.
 *
 * Run as a child process: `node bench/baseline-server.ts FILE CONVERSATIONS`; prints its URL.
 */
import { DatabaseSync } from 'node:sqlite';
import Fastify from 'fastify';

const [file, count] = process.argv.slice(2);
if (!file || !count) throw new Error('usage: node bench/baseline-server.ts FILE CONVERSATIONS');

const db = new DatabaseSync(file);
db.exec('pragma journal_mode = wal');
db.exec('pragma synchronous = normal');
db.exec('pragma foreign_keys = on');
db.exec(`
  create table conversations (
    id text primary key, bot_id text not null, bot_version integer not null, token_hash text not null,
    state text not null, status text not null, row_version integer not null, last_seq integer not null,
    locale text not null, created_at text not null, updated_at text not null);
  create index conversations_updated_at on conversations (updated_at);
  create index conversations_bot_updated_at on conversations (bot_id, updated_at);
  create table conversation_events (
    conversation_id text not null references conversations (id), seq integer not null, type text not null,
    payload text not null, created_at text not null, primary key (conversation_id, seq));
`);
const now = new Date().toISOString();
const create = db.prepare("insert into conversations values (?, 'bench', 1, 'x', '{}', 'waiting_input', 1, 2, 'en', ?, ?)");
for (let i = 0; i < Number(count); i++) create.run(`c${i}`, now, now);

const update = db.prepare(
  'update conversations set state = ?, status = ?, row_version = row_version + 1, last_seq = last_seq + 4, updated_at = ? ' + 'where id = ? returning last_seq',
);
const insertEvents = db.prepare(
  `insert into conversation_events (conversation_id, seq, type, payload, created_at) values ${Array(4).fill('(?, ?, ?, ?, ?)').join(', ')}`,
);

const app = Fastify({ logger: false });
app.post<{ Params: { id: string }; Body: { text: string } }>('/conversations/:id/replies', async (request, reply) => {
  const { id } = request.params;
  const { text } = request.body;
  const at = new Date().toISOString();
  const messages = [{ text: `You said: ${text}` }, { text: 'Say something.' }];
  const input = { blockId: 'ask', kind: 'text' };
  db.exec('begin immediate');
  try {
    const row = update.get(JSON.stringify({ at: 'ask', said: text }), 'waiting_input', at, id);
    if (!row) {
      db.exec('rollback');
      return reply.code(404).send({ error: 'no such conversation' });
    }
    const last = Number(row['last_seq']);
    insertEvents.run(
      ...[
        ['visitor', { text }],
        ['message', { message: messages[0] }],
        ['message', { message: messages[1] }],
        ['input', { input }],
      ].flatMap(([type, payload], i) => [id, last - 3 + i, type as string, JSON.stringify(payload), at]),
    );
    db.exec('commit');
    return { conversationId: id, status: 'waiting_input', messages, input, lastEventId: last };
  } catch (error) {
    db.exec('rollback');
    throw error;
  }
});

const url = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`baseline listening at ${url}`);
process.on('SIGTERM', () => {
  void app.close().then(() => {
    db.close();
    process.exit(0);
  });
});

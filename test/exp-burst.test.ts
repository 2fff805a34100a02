import { it } from 'vitest';
import { tempDir } from './helpers/cli.ts';
import { serve } from './helpers/server.ts';
import { effectCounts } from './helpers/sqlite-peek.ts';
import { forEachVisitor, reply, startConversation } from './helpers/visitors.ts';
const ENV = { RENKEI_TURN_WAIT_MS: '0', RENKEI_RATE_LIMIT: '0', RENKEI_LOG_LEVEL: 'warn' };
it('burst', { timeout: 200_000 }, async () => {
  for (let k = 0; k < 6; k++) {
    const t = tempDir();
    const s = await serve({ db: t.db, env: ENV });
    const vs = await forEachVisitor(200, 25, async (i) => { const v = await startConversation(s.url, 'lead'); for (const x of [`V ${i}`, `v${i}@example.com`, '080-1111-2222']) await reply(s.url, v, x); return v; });
    const t0 = performance.now();
    await forEachVisitor(200, 200, (i) => reply(s.url, vs[i]!, 'Co'));
    const ms = performance.now() - t0;
    await s.kill();
    console.log('AT KILL', JSON.stringify(effectCounts(t.db)), Math.round(ms));
    t.cleanup();
  }
});

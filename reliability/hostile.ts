import fc from 'fast-check';
import pLimit from 'p-limit';
import { Agent, request } from 'undici';
import { loadBotText } from '../src/flow/load.ts';
import { tempDir } from '../test/helpers/cli.ts';
import type { RunningServer } from '../test/helpers/server.ts';
import { startConversation, reply, transcript, type Visitor } from '../test/helpers/visitors.ts';
import { ATTACKER, credentialRedirect, formulaNames, manyStreams, slowBody } from './lib/attacks.ts';
import { newTraffic } from './lib/driver.ts';
import { Fleet } from './lib/fleet.ts';
import { botFile } from './lib/hostile-bots.ts';
import { hostileRequest, type HostileRequest, type Operation } from './lib/hostile-requests.ts';
import { SCALE, type ScenarioResult } from './lib/provider-run.ts';

/**
 * 10,000 generated hostile requests over the visitor and admin APIs (none with the admin token)
 * and 2,000 generated bot files (uploaded with the admin token, and loaded in-process as
 * `renkei validate` does) → no 5xx, the process stays up, no conversation read or changed
 * without its token, nothing changed without the admin token. Then issue 12's attacks: many
 * event streams, a body trickled in, leads named as spreadsheet formulas, and stored
 * credentials sent to a foreign server (see lib/attacks.ts). The generated requests and each
 * attack come from addresses of their own (127.0.0.2 …): their wrong admin tokens get that
 * address refused for a while, and the admin's checks from 127.0.0.1 must still get in.
 */

const REQUESTS = Math.round(10_000 * SCALE);
const BOT_FILES = Math.round(2_000 * SCALE);
const VICTIMS = 6;
const CONCURRENCY = 16;
/** A new one each run (printed; RELIABILITY_SEED=N repeats a run's inputs). */
const SEED = Number(process.env['RELIABILITY_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const ADMIN_STATE = [
  '/bots',
  '/records/leads',
  '/records/contacts',
  '/records/deals',
  '/records/tickets',
  '/records/subscribers',
  '/integrations',
  '/conversations',
];

async function adminSnapshot(server: RunningServer): Promise<string> {
  const parts = await Promise.all(
    ADMIN_STATE.map(async (p) => {
      const res = await fetch(`${server.url}/api/v1/admin${p}`, { headers: { authorization: `Bearer ${server.adminToken}` } });
      return `${p} ${res.status} ${await res.text()}`;
    }),
  );
  return parts.join('\n');
}

async function operations(server: RunningServer): Promise<Operation[]> {
  const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path: path.replace(/:(\w+)/g, '{$1}') })),
  );
}

/** Whether a 2xx to this request means someone got in without the right token. */
function needsToken(r: HostileRequest): boolean {
  if (r.victimInPath !== null) return true;
  let path: string;
  try {
    path = decodeURIComponent(r.path.split('?')[0]!);
  } catch {
    path = r.path;
  }
  return /\/api\/v1\/+admin(\/|$)/.test(path.replace(/\/\.\.?(?=\/)/g, '/'));
}

export async function hostileScenario(): Promise<ScenarioResult> {
  const t = tempDir();
  const fleet = new Fleet();
  const cleanup = async (): Promise<void> => {
    await fleet.stopAll();
    t.cleanup();
  };
  try {
    const server = await fleet.start(t.db, { RENKEI_TURN_WAIT_MS: '2000' });
    const traffic = newTraffic();
    const victims: Visitor[] = [];
    for (let i = 0; i < VICTIMS; i++) {
      const v = await startConversation(server.url, 'lead');
      await reply(server.url, v, `Victim ${i}`);
      await reply(server.url, v, `victim${i}@example.com`);
      victims.push(v);
    }
    const before = await Promise.all(victims.map((v) => transcript(server.url, v)));
    const adminBefore = await adminSnapshot(server);
    const ops = await operations(server);

    const unauthorized: string[] = [];
    const statuses = new Map<number, number>();
    let notSent = 0;
    const notSentWhy = new Map<string, number>();
    let healthFailures = 0;
    const arb = hostileRequest(ops, victims);
    const limit = pLimit(CONCURRENCY);
    const attacker = new Agent({ localAddress: ATTACKER.requests });
    // Runs beside the generated requests: it takes the server's request timeout to be cut.
    const slow = slowBody(server.url);
    const batch = 250;
    for (let from = 0; from < REQUESTS; from += batch) {
      const requests = fc.sample(arb, { numRuns: Math.min(batch, REQUESTS - from), seed: SEED + from });
      await Promise.all(
        requests.map((r) =>
          limit(async () => {
            traffic.requests++;
            let status: number;
            let body: string;
            try {
              const res = await request(`${server.url}${r.path}`, {
                method: r.method as 'GET',
                headers: r.headers,
                ...(r.body ? { body: r.body } : {}),
                headersTimeout: 30_000,
                bodyTimeout: 30_000,
                dispatcher: attacker,
              });
              status = res.statusCode;
              body = await res.body.text();
            } catch (error) {
              // Refused on our side (a method or path undici will not send), or no answer: the health check tells which.
              notSent++;
              const reason = (error as Error).message.slice(0, 60);
              notSentWhy.set(reason, (notSentWhy.get(reason) ?? 0) + 1);
              return;
            }
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            if (status >= 500) {
              traffic.http5xx++;
              if (traffic.fiveXx.length < 20) traffic.fiveXx.push(`${r.method} ${r.path.slice(0, 120)} → ${status} ${body.slice(0, 200)}`);
            }
            if (status >= 200 && status < 300 && needsToken(r))
              unauthorized.push(`${r.method} ${r.path.slice(0, 120)} (${r.headers['authorization']?.slice(0, 20) ?? 'no token'}) → ${status}`);
          }),
        ),
      );
      const health = await fetch(`${server.url}/healthz`).then(
        (res) => res.status,
        () => 0,
      );
      if (health !== 200) healthFailures++;
    }

    const streams = await manyStreams(server.url, victims);
    const slowResult = await slow;
    await attacker.close();

    const after = await Promise.all(victims.map((v) => transcript(server.url, v)));
    const changedVictims = after.filter((a, i) => JSON.stringify(a) !== JSON.stringify(before[i])).length;
    const adminChanged = (await adminSnapshot(server)) !== adminBefore;

    // Bot files: in-process (as `renkei validate`) and uploaded with the admin token.
    let validatorThrew = 0;
    let accepted = 0;
    let refused = 0;
    const files = fc.sample(botFile, { numRuns: BOT_FILES, seed: SEED });
    const validateSamples: string[] = [];
    await Promise.all(
      files.map((f) =>
        limit(async () => {
          try {
            loadBotText(f.text, 'fuzz.yaml');
          } catch (error) {
            validatorThrew++;
            if (validateSamples.length < 5) validateSamples.push(`${(error as Error).message.slice(0, 200)} for ${JSON.stringify(f.text.slice(0, 200))}`);
          }
          traffic.requests++;
          const res = await fetch(`${server.url}/api/v1/admin/bots/${f.id}`, {
            method: 'PUT',
            headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': f.contentType },
            body: f.text,
          }).catch(() => null);
          if (res === null) return void notSent++;
          const text = await res.text();
          if (res.status >= 500) {
            traffic.http5xx++;
            if (traffic.fiveXx.length < 20)
              traffic.fiveXx.push(`PUT bot file → ${res.status} ${text.slice(0, 200)} for ${JSON.stringify(f.text.slice(0, 200))}`);
          } else if (res.status < 300) accepted++;
          else refused++;
        }),
      ),
    );
    // These change what the admin sees (leads, an integration), so they come after its snapshot.
    const formulas = await formulaNames(server.url, server.adminToken);
    const redirect = await credentialRedirect(server.url, server.adminToken);

    const finalHealth = await fetch(`${server.url}/healthz`).then(
      (res) => res.status,
      () => 0,
    );
    const alive = finalHealth === 200;

    const unauthorizedAccess = unauthorized.length + changedVictims + (adminChanged ? 1 : 0) + redirect.secretsReceived;
    const unboundedConnections = streams.excess + (slowResult.cutAfterSeconds === null ? 1 : 0);
    const attackSamples = [
      ...(streams.excess > 0 ? [`event streams accepted past a limit: ${JSON.stringify(streams)}`] : []),
      ...(slowResult.cutAfterSeconds === null ? ['a body trickled in one byte every 2 s was still open after 60 s'] : []),
      ...(formulas.formulaCells > 0 ? [`${formulas.formulaCells} cells of the records export start like a formula`] : []),
      ...(redirect.secretsReceived > 0 ? [`credential redirect: ${redirect.secretsReceived} stored Zoho secrets reached a foreign accounts URL`] : []),
    ];
    return {
      name: 'hostile',
      audit: {
        conversations: VICTIMS,
        records: 0,
        lost: 0,
        duplicates: 0,
        stuck: 0,
        wrongPort: 0,
        samples: [...unauthorized.slice(0, 5), ...attackSamples, ...validateSamples, ...(alive ? [] : ['the server is down after the hostile input'])],
      },
      traffic,
      gaveUp: [],
      rows: [
        ['generated requests (fast-check seed)', `${REQUESTS} (${SEED})`],
        [
          'statuses',
          [...statuses.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([s, n]) => `${s}×${n}`)
            .join(' '),
        ],
        ['not sent by the client / no answer', `${notSent} ${[...notSentWhy].map(([why, n]) => `(${n}× ${why})`).join(' ')}`],
        ['health checks failed', healthFailures + (alive ? 0 : 1)],
        ['2xx without the right token', unauthorized.length],
        ['victim transcripts changed', changedVictims],
        ['admin state changed', adminChanged ? 'yes' : 'no'],
        ['bot files (accepted / refused)', `${BOT_FILES} (${accepted} / ${refused})`],
        ['validator threw', validatorThrew],
        ['wrong admin tokens refused for a while (429)', statuses.get(429) ?? 0],
        [
          'event streams: 40 on one conversation / 25 on five from one address',
          `${streams.oneConversation.accepted} accepted, ${streams.oneConversation.refused429} refused / ${streams.oneAddress.accepted} accepted, ${streams.oneAddress.refused429} refused (accepted past a limit: ${streams.excess})`,
        ],
        [
          'body trickled in, 1 byte / 2 s',
          slowResult.cutAfterSeconds === null ? 'still open after 60 s' : `cut after ${slowResult.cutAfterSeconds} s (${slowResult.answer || 'no answer'})`,
        ],
        ['leads named as formulas: export cells run as formulas', `${formulas.leads} leads: ${formulas.formulaCells}`],
        [
          'credential redirect: foreign accounts URL accepted / secrets it received',
          `${redirect.foreignUrlAccepted ? 'accepted' : 'refused'} / ${redirect.secretsReceived}`,
        ],
      ],
      extra: { unauthorizedAccess, crashed: alive ? 0 : 1, unboundedConnections, formulaCells: formulas.formulaCells },
      exposure: {
        files: [t.db, `${t.db}-wal`],
        pgSchemas: [],
        logs: fleet.logs(),
        secrets: [...fleet.adminTokens, ...victims.map((v) => v.token), ...redirect.secrets],
        personal: victims.map((_, i) => `victim${i}@example.com`),
      },
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

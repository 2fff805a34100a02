import fc from 'fast-check';

/**
 * fast-check arbitraries for hostile HTTP requests against the visitor and admin APIs: wrong
 * types, huge strings, deep JSON, bad UTF-8, wrong or other conversations' tokens, wrong content
 * types, odd methods and paths. None carries the admin token.
 */

export interface Operation {
  readonly method: string;
  /** OpenAPI path template: `/api/v1/conversations/{id}`. */
  readonly path: string;
}

export interface Victim {
  readonly id: string;
  readonly token: string;
}

export interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
  /** The victim whose id is in the path, and whether the request carries that victim's own token (never, here). */
  readonly victimInPath: Victim | null;
}

const ODD_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'FOO'];

const hugeString = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.nat({ max: 200_000 }).map((n) => 'A'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('%secret%', '<script>alert(1)</script>', '../../etc/passwd', '\u0000', '\uD800', '𠮷'.repeat(1000), "' OR 1=1 --"),
);

const deepJson = fc.nat({ max: 5_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));
const deepObject = fc.nat({ max: 3_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({ text: fc.oneof(hugeString, fc.integer(), fc.constant(null), fc.array(fc.string()), fc.object()) }),
  fc.record({ choice: fc.oneof(hugeString, fc.integer(), fc.boolean()) }),
  fc.record(
    {
      visitor: fc.oneof(fc.dictionary(fc.string(), fc.oneof(hugeString, fc.integer())), fc.string()),
      locale: fc.oneof(fc.string(), fc.constantFrom('en', 'ja', 'xx')),
    },
    { requiredKeys: [] },
  ),
  fc.record({ version: fc.oneof(fc.integer(), fc.string(), fc.double()) }, { requiredKeys: [] }),
);

const bodyBytes: fc.Arbitrary<Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  jsonValue.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  deepJson.map((s) => Buffer.from(s)),
  deepObject.map((s) => Buffer.from(s)),
  // Bad UTF-8: lone continuation bytes, overlong encodings, truncated sequences.
  fc
    .uint8Array({ maxLength: 300 })
    .map((b) => Buffer.concat([Buffer.from('{"text":"'), Buffer.from(b), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff]), Buffer.from('"}')])),
  fc.string({ maxLength: 200 }).map((s) => Buffer.from(s)),
  fc.nat({ max: 300_000 }).map((n) => Buffer.from(`{"text":"${'x'.repeat(n)}"}`)),
);

const contentType = fc.constantFrom(
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/yaml',
  'text/yaml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  'application/json; charset=utf-16',
  'APPLICATION/JSON',
);

export function hostileRequest(ops: readonly Operation[], victims: readonly Victim[]): fc.Arbitrary<HostileRequest> {
  const victim = fc.constantFrom(...victims);
  // The token is never the one of the victim named in the path (that would be an authorised request).
  const tokenFor = (inPath: Victim | null): fc.Arbitrary<string | undefined> =>
    fc.oneof(
      fc.constant(undefined),
      hugeString.map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, '')}`),
      fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'bearer null', `Bearer ${'0'.repeat(64)}`),
      victim.filter((v) => v !== inPath).map((v) => `Bearer ${v.token}`),
      // Right token with a change: a flipped last character, or as another scheme.
      victim.map((v) => `Bearer ${v.token.slice(0, -1)}${v.token.endsWith('a') ? 'b' : 'a'}`),
      victim.map((v) => `Token ${v.token}`),
    );
  const segment = fc.oneof(
    victim.map((v) => ({ text: v.id, victim: v as Victim | null })),
    fc
      .oneof(
        hugeString.map((s) => encodeURIComponent(s.slice(0, 3000).toWellFormed())),
        fc.constantFrom('..', '%2e%2e', '%ZZ', '', 'lead', 'null', '-1', '0', '%00', 'a'.repeat(300)),
      )
      .map((text) => ({ text, victim: null as Victim | null })),
  );
  const fromOps = fc.tuple(fc.constantFrom(...ops), fc.boolean(), fc.constantFrom(...ODD_METHODS), segment, segment).map(([op, keepMethod, odd, s1, s2]) => {
    let first = true;
    let victimInPath: Victim | null = null;
    const path = op.path.replace(/\{[^}]+\}/g, () => {
      const s = first ? s1 : s2;
      first = false;
      victimInPath ??= s.victim;
      return s.text;
    });
    return { method: keepMethod ? op.method : odd, path, victimInPath };
  });
  const oddPath = fc
    .oneof(
      fc.constantFrom(
        '/',
        '//api/v1/admin/bots',
        '/api/v1/admin/../admin/bots',
        '/api/v1/%2e%2e/admin/bots',
        '/api/v1/admin%2fbots',
        '/api/v2/x',
        '/metrics',
        '/healthz',
        '/readyz',
        '/openapi.json',
        '/admin/../../etc/passwd',
        '/widget.js',
        '/demo?x=<script>',
      ),
      fc.webPath().map((p) => `/api/v1${p}`),
    )
    .chain((path) => fc.constantFrom(...ODD_METHODS).map((method) => ({ method, path, victimInPath: null as Victim | null })));
  return fc.tuple(fc.oneof({ weight: 4, arbitrary: fromOps }, { weight: 1, arbitrary: oddPath }), contentType, bodyBytes).chain(([target, type, body]) =>
    tokenFor(target.victimInPath).map((authorization) => {
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers['authorization'] = authorization;
      if (type !== undefined) headers['content-type'] = type;
      const hasBody = body !== undefined && !['GET', 'HEAD', 'TRACE'].includes(target.method);
      return { method: target.method, path: target.path, headers, body: hasBody ? body : undefined, victimInPath: target.victimInPath };
    }),
  );
}

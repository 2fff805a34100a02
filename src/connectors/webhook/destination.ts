import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';

/** Why an address is not a public destination; undefined when it is one. */
export function refusalReason(address: string): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return `${address} is not an IP address`;
  }
  if (ip.kind() === 'ipv6') {
    const embedded = embeddedIPv4(ip as ipaddr.IPv6);
    if (embedded) {
      const why = refusalReason(embedded.toString());
      return why ? `${address} embeds ${why}` : undefined;
    }
  }
  const range = ip.range();
  if (range === 'unicast') return undefined;
  return `${address} is ${RANGE_NAMES[range] ?? `a reserved address (${range})`}`;
}

const RANGE_NAMES: Readonly<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private (RFC 1918) address',
  uniqueLocal: 'a unique-local (private IPv6) address',
  linkLocal: 'a link-local address',
  deprecatedSiteLocal: 'a site-local (private IPv6) address',
  carrierGradeNat: 'a carrier-grade NAT (shared) address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
};

/** IPv4 carried inside IPv6 (mapped, NAT64, 6to4) is judged as the IPv4 it reaches. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const range = ip.range();
  const p = ip.parts;
  const v4 = (hi: number, lo: number): ipaddr.IPv4 => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === 'ipv4Mapped') return ip.toIPv4Address();
  if (range === 'rfc6052' || range === 'rfc6145') return v4(p[6] ?? 0, p[7] ?? 0);
  if (range === '6to4') return v4(p[1] ?? 0, p[2] ?? 0);
  return undefined;
}

export class DestinationRefusedError extends Error {
  override readonly name = 'DestinationRefusedError';
  readonly code = 'RENKEI_DESTINATION_REFUSED';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net.connect that resolves the host, refuses it when any of its addresses is not
 * public, and hands the checked addresses to the connection. The socket connects to exactly the
 * addresses that were checked, so a second, different DNS answer (rebinding) cannot slip in.
 */
const guardedLookup =
  (refuse: Refuse) =>
  (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const { address } of addresses) {
        const why = refuse(address);
        if (why) return callback(new DestinationRefusedError(`${hostname} resolves to ${why}`), []);
      }
      if (options.all) return callback(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };

/** Why a destination address is refused, or undefined to allow it. */
export type Refuse = (address: string) => string | undefined;

/**
 * An undici Agent whose every connection — the first request and any redirect alike — goes only
 * to public addresses: IP literals are checked before connecting, names through guardedLookup.
 */
export function publicOnlyAgent(opts: { connectTimeoutMs: number; refuse?: Refuse }): Agent {
  const refuse = opts.refuse ?? refusalReason;
  const base = buildConnector({ timeout: opts.connectTimeoutMs, lookup: guardedLookup(refuse) });
  return new Agent({
    connect: (options, callback) => {
      if (isIP(options.hostname) !== 0) {
        const why = refuse(options.hostname);
        if (why) {
          callback(new DestinationRefusedError(why), null);
          return;
        }
      }
      base(options, callback);
    },
  });
}

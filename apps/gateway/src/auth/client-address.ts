import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { normalizeAddress } from './identity-providers';

/**
 * The address of the client behind a request. The TCP peer, unless the peer is one of the
 * `trusted` proxies: then `X-Forwarded-For` is read from the right (each proxy appends the
 * address it was reached from), skipping trusted proxies, and the first other address is the
 * client. Entries left of an untrusted hop were written by the client and are never believed.
 */
export function clientAddress(request: IncomingMessage, trusted: ReadonlySet<string>): string {
  let address = normalizeAddress(request.socket.remoteAddress ?? '');
  if (!trusted.has(address)) return address;
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => normalizeAddress(hop.trim()));
  for (let i = hops.length - 1; i >= 0 && trusted.has(address); i--) {
    // A hop that is not an address: the proxy that wrote it is the last one we can name.
    if (isIP(hops[i]) === 0) break;
    address = hops[i];
  }
  return address;
}

/**
 * The rate-limit bucket of a client address: IPv4 as is, IPv6 by its /64 (one subscriber's
 * prefix: the addresses inside it cost an attacker nothing).
 */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as lower-case hex without leading zeros. */
function expandIpv6(address: string): string[] {
  const withoutZone = address.split('%')[0].toLowerCase();
  const [head, tail] = withoutZone.includes('::') ? withoutZone.split('::') : [withoutZone, ''];
  const parse = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = parse(head);
  const right = parse(tail);
  // An embedded IPv4 (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) holds the last two groups.
  const last = right.length > 0 ? right : left;
  const v4 = last[last.length - 1];
  if (v4?.includes('.')) {
    const [a, b, c, d] = v4.split('.').map(Number);
    last.splice(last.length - 1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((g) =>
    parseInt(g, 16).toString(16),
  );
}

import type { IncomingMessage } from 'node:http';
import { addressBucket, clientAddress } from './client-address';

function request(peer: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

describe('clientAddress', () => {
  const proxies = new Set(['10.0.0.2', '10.0.0.3']);

  it('is the TCP peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress(request('::ffff:198.51.100.7', '203.0.113.1'), proxies)).toBe(
      '198.51.100.7',
    );
  });

  it('reads X-Forwarded-For from the right, through trusted proxies only', () => {
    expect(clientAddress(request('10.0.0.2', '203.0.113.1'), proxies)).toBe('203.0.113.1');
    // The client wrote the first entry; the proxy appended the address it saw.
    expect(clientAddress(request('10.0.0.2', '1.2.3.4, 203.0.113.1'), proxies)).toBe('203.0.113.1');
    // Two proxies in a row.
    expect(clientAddress(request('10.0.0.2', '1.2.3.4, 203.0.113.1, 10.0.0.3'), proxies)).toBe(
      '203.0.113.1',
    );
  });

  it('stops at the last proxy when the header holds no usable address', () => {
    expect(clientAddress(request('10.0.0.2'), proxies)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2', 'unknown'), proxies)).toBe('10.0.0.2');
    expect(clientAddress(request('10.0.0.2', 'garbage, 10.0.0.3'), proxies)).toBe('10.0.0.3');
  });
});

describe('addressBucket', () => {
  it('keeps IPv4 addresses and groups IPv6 by /64', () => {
    expect(addressBucket('203.0.113.1')).toBe('203.0.113.1');
    expect(addressBucket('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
    expect(addressBucket('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressBucket('64:ff9b::198.51.100.7')).toBe('64:ff9b:0:0::/64');
  });
});

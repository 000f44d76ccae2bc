import { RedisKeys } from '@flotilla/contracts';
import { hashTagOf } from './hash-tag';

describe('hashTagOf', () => {
  it('follows the Redis Cluster rule', () => {
    expect(hashTagOf('plain')).toBe('plain');
    expect(hashTagOf('a{b}c')).toBe('b');
    expect(hashTagOf('a{}c{d}')).toBe('a{}c{d}');
    expect(hashTagOf('a{b')).toBe('a{b');
    expect(hashTagOf('a{b}{c}')).toBe('b');
  });

  it('puts every key and channel of one host in one slot, apart from every other host', () => {
    const id = 'c'.repeat(64);
    const perHost = (host: string): string[] => [
      RedisKeys.hostInfo(host),
      RedisKeys.heartbeat(host),
      RedisKeys.snapshot(host),
      RedisKeys.events(host),
      RedisKeys.logs(host, id),
      RedisKeys.stats(host, id),
      RedisKeys.logLeases(host),
      RedisKeys.statsLeases(host),
      RedisKeys.wake(host),
      RedisKeys.announce(host),
      RedisKeys.commands(host),
      RedisKeys.replies(host),
      RedisKeys.retained(host),
    ];
    expect(new Set(perHost('web-2.prod').map(hashTagOf))).toEqual(new Set(['web-2.prod']));
    expect(new Set(perHost('db').map(hashTagOf))).toEqual(new Set(['db']));
  });

  it('leaves shared keys untagged: each is used by single-key commands only', () => {
    for (const key of [
      RedisKeys.hosts,
      RedisKeys.audit,
      RedisKeys.loginSession('s'),
      RedisKeys.loginAttempts('b'),
    ]) {
      expect(hashTagOf(key)).toBe(key);
    }
  });
});

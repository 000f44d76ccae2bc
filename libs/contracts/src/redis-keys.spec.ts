import { hostIdOf, RedisKeys } from './redis-keys';

describe('Redis key layout', () => {
  it('tags every per-host key with the host id in braces (one Redis Cluster slot per host)', () => {
    expect(RedisKeys.events('web-2')).toBe('flotilla:v1:host:{web-2}:events');
    expect(RedisKeys.logs('web-2', 'abc')).toBe('flotilla:v1:host:{web-2}:logs:abc');
    expect(RedisKeys.hostInfoPattern).toBe('flotilla:v1:host:{*}:info');
    expect(RedisKeys.announcePattern).toBe('flotilla:v1:host:{*}:announce');
  });

  it('reads no host id from a name whose braces were tampered with', () => {
    expect(hostIdOf('flotilla:v1:host:{a}:info', 'info')).toBe('a');
    expect(hostIdOf('flotilla:v1:host:a:info', 'info')).toBeNull();
    expect(hostIdOf('flotilla:v1:host:{a}:b}:info', 'info')).toBeNull();
    expect(hostIdOf('flotilla:v1:host:{a}}:announce', 'announce')).toBeNull();
  });
});

import { RedisKeys } from '@flotilla/contracts';
import calculateSlot from 'cluster-key-slot';

describe('Redis Cluster slots of the bus keys', () => {
  it('puts every key and channel of one host in one slot, apart from other hosts', () => {
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
    const web = new Set(perHost('web-2.prod').map(calculateSlot));
    const db = new Set(perHost('db').map(calculateSlot));
    expect(web).toEqual(new Set([calculateSlot('web-2.prod')]));
    expect(db).toEqual(new Set([calculateSlot('db')]));
    expect(web).not.toEqual(db);
  });

  it('leaves shared keys untagged: each is hashed whole, used by single-key commands only', () => {
    for (const key of [
      RedisKeys.hosts,
      RedisKeys.audit,
      RedisKeys.loginSession('s'),
      RedisKeys.loginAttempts('b'),
    ]) {
      expect(calculateSlot(key)).toBe(calculateSlot(`{${key}}`));
    }
  });
});

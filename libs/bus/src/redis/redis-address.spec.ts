import { parseRedisAddress, RedisAddressError } from './redis-address';

describe('parseRedisAddress', () => {
  it('keeps a single server URL as it is', () => {
    expect(parseRedisAddress('single', 'redis://:pw@r1:6379/2')).toEqual({
      mode: 'single',
      url: 'redis://:pw@r1:6379/2',
    });
  });

  it('reads comma-separated cluster seeds with one set of credentials', () => {
    expect(
      parseRedisAddress('cluster', 'redis://:p%40ss@10.0.0.1:6379, redis://10.0.0.2:6380'),
    ).toEqual({
      mode: 'cluster',
      seeds: [
        { host: '10.0.0.1', port: 6379 },
        { host: '10.0.0.2', port: 6380 },
      ],
      tls: false,
      password: 'p@ss',
    });
    expect(parseRedisAddress('cluster', 'rediss://gw:pw@[::1]:7000')).toMatchObject({
      seeds: [{ host: '::1', port: 7000 }],
      tls: true,
      username: 'gw',
      password: 'pw',
    });
  });

  it('reads a sentinel URL: sentinels, master name, optional sentinel password', () => {
    expect(
      parseRedisAddress(
        'sentinel',
        'redis+sentinel://:pw@s1:26379,s2:26380/mymaster?sentinelPassword=spw',
      ),
    ).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26380 },
      ],
      masterName: 'mymaster',
      tls: false,
      password: 'pw',
      sentinelPassword: 'spw',
    });
  });

  it.each([
    ['single', 'redis://a:1,redis://b:2'],
    ['single', 'http://a:1'],
    ['cluster', 'redis://a'],
    ['cluster', 'redis://a:1,rediss://b:2'],
    ['cluster', 'redis://:x@a:1,redis://:y@b:2'],
    ['cluster', 'redis://a:99999'],
    ['sentinel', 'redis://s1:26379/mymaster'],
    ['sentinel', 'redis+sentinel://s1:26379'],
    ['sentinel', 'redis+sentinel://s1/mymaster'],
    ['sentinel', 'redis+sentinel://s1:26379/m?db=2'],
  ] as const)('refuses %s URL %s with the expected form, never echoing it', (mode, url) => {
    const attempt = (): unknown => parseRedisAddress(mode, url.replace('a:1', ':secret@a:1'));
    expect(attempt).toThrow(RedisAddressError);
    expect(attempt).toThrow(/expected/);
    expect(attempt).not.toThrow(/secret/);
  });
});

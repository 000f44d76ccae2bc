import { hostname } from 'node:os';
import { ConfigError } from '@flotilla/logging';
import { loadAgentConfig } from './agent-config';

const base = { REDIS_URL: 'redis://127.0.0.1:6379', HOST_ID: 'host-a' };

function problem(env: Record<string, string | undefined>): string {
  try {
    loadAgentConfig(env);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

describe('loadAgentConfig', () => {
  it('applies the defaults', () => {
    const config = loadAgentConfig({ REDIS_URL: 'redis://r:6379' });
    expect(config).toEqual({
      redisUrl: 'redis://r:6379',
      redisMode: 'single',
      standalone: false,
      docker: {
        kind: 'unix',
        socketPath: '/var/run/docker.sock',
        display: 'unix:///var/run/docker.sock',
      },
      hostId: hostname(),
      hostLabels: {},
      allowRemove: false,
      logLevel: 'log',
      retention: {
        containerBytes: 16 * 1024 * 1024,
        hostBytes: 256 * 1024 * 1024,
        removedGraceMs: 3_600_000,
      },
    });
  });

  it('reads every variable', () => {
    const config = loadAgentConfig({
      ...base,
      DOCKER_HOST: 'tcp://10.0.0.5:2375',
      HOST_LABELS: 'dc=par1, role=web ,empty=',
      AGENT_ALLOW_REMOVE: 'true',
      LOG_LEVEL: 'DEBUG',
      RETENTION_CONTAINER_BYTES: '4MiB',
      RETENTION_HOST_BYTES: '1073741824',
      RETENTION_REMOVED_GRACE_S: '0.5',
    });
    expect(config).toMatchObject({
      hostId: 'host-a',
      docker: { kind: 'tcp', host: '10.0.0.5', port: 2375 },
      hostLabels: { dc: 'par1', role: 'web', empty: '' },
      allowRemove: true,
      logLevel: 'debug',
      retention: { containerBytes: 4 * 1024 ** 2, hostBytes: 1024 ** 3, removedGraceMs: 500 },
    });
    expect(loadAgentConfig({ ...base, DOCKER_HOST: 'unix:///tmp/d/docker.sock' }).docker).toEqual({
      kind: 'unix',
      socketPath: '/tmp/d/docker.sock',
      display: 'unix:///tmp/d/docker.sock',
    });
  });

  it('reads a cluster or sentinel address as REDIS_MODE says', () => {
    const seeds = 'redis://:pw@10.0.0.1:6379,redis://10.0.0.2:6379';
    expect(loadAgentConfig({ ...base, REDIS_MODE: 'cluster', REDIS_URL: seeds })).toMatchObject({
      redisMode: 'cluster',
      redisUrl: seeds,
    });
    const sentinels = 'redis+sentinel://:pw@s1:26379,s2:26379/mymaster';
    expect(
      loadAgentConfig({ ...base, REDIS_MODE: 'sentinel', REDIS_URL: sentinels }),
    ).toMatchObject({ redisMode: 'sentinel', redisUrl: sentinels });
  });

  it('needs no Redis in standalone mode', () => {
    expect(loadAgentConfig({ FLOTILLA_STANDALONE: '1', HOST_ID: 'solo' })).toMatchObject({
      redisUrl: null,
      standalone: true,
    });
  });

  it('names the first problem in one line', () => {
    expect(problem({ HOST_ID: 'a' })).toBe('REDIS_URL is required (or set FLOTILLA_STANDALONE=1)');
    expect(problem({ ...base, REDIS_URL: 'http://x' })).toMatch(
      /^REDIS_URL \(single\): not a redis:\/\/ URL/,
    );
    expect(problem({ ...base, REDIS_MODE: 'shard' })).toMatch(/^REDIS_MODE must be one of/);
    expect(problem({ ...base, REDIS_MODE: 'sentinel' })).toMatch(
      /^REDIS_URL \(sentinel\): .*expected redis\+sentinel:\/\//,
    );
    expect(problem({ ...base, HOST_ID: 'bad:host' })).toMatch(/^HOST_ID may hold only/);
    expect(problem({ ...base, HOST_ID: 'x'.repeat(64) })).toMatch(/^HOST_ID/);
    expect(problem({ ...base, DOCKER_HOST: 'ssh://me@host' })).toMatch(
      /^DOCKER_HOST must look like/,
    );
    expect(problem({ ...base, DOCKER_HOST: 'tcp://host' })).toMatch(/^DOCKER_HOST/);
    expect(problem({ ...base, HOST_LABELS: 'novalue' })).toMatch(/^HOST_LABELS must look like k=v/);
    expect(problem({ ...base, AGENT_ALLOW_REMOVE: 'maybe' })).toMatch(
      /^AGENT_ALLOW_REMOVE must be true or false/,
    );
    expect(problem({ ...base, LOG_LEVEL: 'loud' })).toMatch(/^LOG_LEVEL must be one of/);
    expect(problem({ ...base, RETENTION_CONTAINER_BYTES: '16MB' })).toMatch(
      /^RETENTION_CONTAINER_BYTES must be a size/,
    );
    expect(problem({ ...base, RETENTION_CONTAINER_BYTES: '10' })).toMatch(
      /^RETENTION_CONTAINER_BYTES must be a size of at least 1024/,
    );
    expect(problem({ ...base, RETENTION_HOST_BYTES: '1MiB' })).toMatch(
      /^RETENTION_HOST_BYTES must be at least RETENTION_CONTAINER_BYTES/,
    );
    expect(problem({ ...base, RETENTION_REMOVED_GRACE_S: '-1' })).toMatch(
      /^RETENTION_REMOVED_GRACE_S must be a number of seconds/,
    );
    for (const message of [problem({}), problem({ ...base, LOG_LEVEL: 'x' })])
      expect(message).not.toContain('\n');
  });
});

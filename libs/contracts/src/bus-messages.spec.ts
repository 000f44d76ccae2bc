import { sampleContainer, sampleStats } from '../testing';
import {
  commandReplySchema,
  commandRequestSchema,
  containerOfLeaseMember,
  containerSchema,
  fleetEventSchema,
  hostIdOf,
  isNewer,
  lastLineSeqOf,
  leaseMember,
  logBatchFieldsSchema,
  logEntryId,
  parsePayload,
  RedisKeys,
  statsSampleSchema,
} from '.';

const ID = 'f'.repeat(64);

describe('container', () => {
  it('accepts a full container and rejects a short id or an unknown state', () => {
    expect(parsePayload(containerSchema, sampleContainer()).ok).toBe(true);
    const port = { private_port: 80, public_port: 8080, type: 'tcp', ip: '0.0.0.0' } as const;
    const published = sampleContainer({ labels: { team: 'ops' }, ports: [port] });
    expect(parsePayload(containerSchema, published).ok).toBe(true);
    expect(parsePayload(containerSchema, sampleContainer({ container_id: 'abc' })).ok).toBe(false);
    const bad = { ...sampleContainer(), state: 'zombie' };
    expect(parsePayload(containerSchema, bad).ok).toBe(false);
    expect(parsePayload(containerSchema, sampleContainer({ revision: 0 })).ok).toBe(false);
  });

  it('keeps only newer revisions', () => {
    expect(isNewer({ revision: 2 }, { revision: 1 })).toBe(true);
    expect(isNewer({ revision: 1 }, { revision: 1 })).toBe(false);
    expect(isNewer({ revision: 1 }, undefined)).toBe(true);
  });
});

describe('fleet events', () => {
  it('tells container changes and host changes apart', () => {
    const change = { v: 1, type: 'container', container: sampleContainer({ state: 'removed' }) };
    expect(parsePayload(fleetEventSchema, change).ok).toBe(true);
    expect(parsePayload(fleetEventSchema, { v: 1, type: 'container' }).ok).toBe(false);
    expect(parsePayload(fleetEventSchema, { ...change, v: 2 }).ok).toBe(false);
  });
});

describe('log batches', () => {
  it('numbers entries by their last line so gaps can be counted', () => {
    expect(logEntryId(1500)).toBe('1500-0');
    expect(lastLineSeqOf('1500-0')).toBe(1500);
  });

  it('checks that the line count matches the text', () => {
    const ok = { l: 'T1 a\nT2 b\n', n: '2', e: '1', t: 'T2' };
    expect(parsePayload(logBatchFieldsSchema, ok).ok).toBe(true);
    expect(parsePayload(logBatchFieldsSchema, { ...ok, n: '3' }).ok).toBe(false);
    expect(parsePayload(logBatchFieldsSchema, { ...ok, e: '1;2' }).ok).toBe(false);
  });
});

describe('commands and stats', () => {
  const request = {
    v: 1,
    request_id: 'req-0001-abcd',
    host_id: 'host-a',
    container_id: ID,
    action: 'stop',
    requested_by: 'alice',
    expires_at: Date.now() + 1000,
  };

  it('accepts typed commands only', () => {
    expect(parsePayload(commandRequestSchema, request).ok).toBe(true);
    expect(parsePayload(commandRequestSchema, { ...request, action: 'exec' }).ok).toBe(false);
    expect(parsePayload(commandRequestSchema, { ...request, request_id: 'x' }).ok).toBe(false);
  });

  it('validates replies and samples', () => {
    const reply = {
      v: 1,
      request_id: request.request_id,
      host_id: 'host-a',
      container_id: ID,
      action: 'stop',
      ok: true,
      unchanged: true,
      error: null,
      code: null,
      finished_at: new Date().toISOString(),
    };
    expect(parsePayload(commandReplySchema, reply).ok).toBe(true);
    expect(parsePayload(commandReplySchema, { ...reply, code: 'boom' }).ok).toBe(false);
    const sample = sampleStats({ container_id: ID });
    expect(parsePayload(statsSampleSchema, sample).ok).toBe(true);
    expect(parsePayload(statsSampleSchema, { ...sample, cpu_percent: -1 }).ok).toBe(false);
  });
});

describe('Redis keys', () => {
  it('keeps every per-host key under the host prefix, so an ACL can confine an agent', () => {
    const prefix = RedisKeys.hostPrefix('h1');
    for (const key of [
      RedisKeys.hostInfo('h1'),
      RedisKeys.heartbeat('h1'),
      RedisKeys.snapshot('h1'),
      RedisKeys.events('h1'),
      RedisKeys.logs('h1', ID),
      RedisKeys.stats('h1', ID),
      RedisKeys.logLeases('h1'),
      RedisKeys.statsLeases('h1'),
      RedisKeys.wake('h1'),
      RedisKeys.announce('h1'),
      RedisKeys.commands('h1'),
      RedisKeys.replies('h1'),
    ]) {
      expect(key.startsWith(prefix)).toBe(true);
    }
    expect(RedisKeys.root).toBe('flotilla:v1');
  });

  it('reads a host id only from a well-formed info key or announce channel', () => {
    expect(hostIdOf(RedisKeys.hostInfo('web-2.prod'), 'info')).toBe('web-2.prod');
    expect(hostIdOf(RedisKeys.announce('web-2'), 'announce')).toBe('web-2');
    // A key an agent may write under its own prefix must not pass for another host's.
    expect(hostIdOf(`${RedisKeys.hostPrefix('a')}b:info`, 'info')).toBeNull();
    expect(hostIdOf(`${RedisKeys.hostPrefix('a')}b:announce`, 'announce')).toBeNull();
    expect(hostIdOf(RedisKeys.announce('web-2'), 'info')).toBeNull();
    expect(hostIdOf(RedisKeys.announce(''), 'announce')).toBeNull();
    expect(hostIdOf(`flotilla:v2:host:a:info`, 'info')).toBeNull();
  });

  it('joins and splits lease members', () => {
    expect(containerOfLeaseMember(leaseMember(ID, 'gw-1'))).toBe(ID);
  });
});

import {
  containerActionSchema,
  findContainersSchema,
  fleetViewSchema,
  heartbeatSchema,
  loadEarlierSchema,
  startLogStreamSchema,
  stopLogStreamSchema,
  subscribeSchema,
} from './client-payloads';
import { watchSchema } from './presence';
import { LIMITS } from '../protocol';
import { dockerTime } from '../logs';
import { parseJson, parsePayload } from './validate';

const FULL_ID = 'a'.repeat(64);
const SHORT_ID = '0123456789ab';

describe('start_log_stream payload', () => {
  it('accepts the original payload with only container_id', () => {
    expect(parsePayload(startLogStreamSchema, { container_id: FULL_ID })).toEqual({
      ok: true,
      value: { container_id: FULL_ID },
    });
  });

  it('accepts the fleet fields host_id, after and tail', () => {
    const payload = { container_id: SHORT_ID, host_id: 'web-01.eu', after: '1200-0', tail: 500 };
    expect(parsePayload(startLogStreamSchema, payload)).toEqual({ ok: true, value: payload });
  });

  it.each([
    ['a missing container_id', {}, 'container_id'],
    ['a numeric container_id', { container_id: 42 }, 'container_id'],
    ['an id that is not hex', { container_id: 'z'.repeat(64) }, 'hex'],
    ['a name instead of an id', { container_id: 'nginx' }, 'hex'],
    ['an upper-case id', { container_id: 'A'.repeat(64) }, 'hex'],
    ['an id too short to be unambiguous', { container_id: 'abcdef' }, 'hex'],
    ['an oversized id', { container_id: 'a'.repeat(10_000) }, 'longer than a Docker id'],
    ['an extra field', { container_id: FULL_ID, evil: true }, 'evil'],
    ['a negative tail', { container_id: FULL_ID, tail: -1 }, 'tail'],
    ['a fractional tail', { container_id: FULL_ID, tail: 1.5 }, 'tail'],
    ['a tail over the limit', { container_id: FULL_ID, tail: LIMITS.maxTail + 1 }, 'tail'],
    ['a malformed after', { container_id: FULL_ID, after: 'latest' }, 'after'],
    ['a host id with a colon', { container_id: FULL_ID, host_id: 'a:b' }, 'host_id'],
  ])('rejects %s with a readable message', (_case, payload, mentions) => {
    const parsed = parsePayload(startLogStreamSchema, payload);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toContain(mentions);
      expect(parsed.error.length).toBeLessThan(200);
    }
  });

  it.each([null, undefined, 'a string', 7, [FULL_ID]])(
    'rejects a non-object payload (%p)',
    (payload) => {
      expect(parsePayload(startLogStreamSchema, payload).ok).toBe(false);
    },
  );
});

describe('opening a moment', () => {
  it('start_log_stream takes since as RFC 3339, Docker nanoseconds included', () => {
    for (const since of ['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.123456789Z']) {
      expect(parsePayload(startLogStreamSchema, { container_id: FULL_ID, since }).ok).toBe(true);
    }
  });

  it.each([
    ['since with after', { since: '2026-01-02T03:04:05Z', after: '12-0' }, 'since and after'],
    ['a since that is not a time', { since: 'yesterday' }, 'RFC 3339'],
    ['a since without a zone', { since: '2026-01-02T03:04:05' }, 'RFC 3339'],
  ])('start_log_stream rejects %s', (_case, fields, mentions) => {
    const parsed = parsePayload(startLogStreamSchema, { container_id: FULL_ID, ...fields });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(mentions);
  });

  it('load_earlier takes before {ts, entry?} and a limit of 1..maxEarlierLines', () => {
    const before = { ts: '2026-01-02T03:04:05.000000001Z', entry: '40-0' };
    expect(parsePayload(loadEarlierSchema, { container_id: FULL_ID, before }).ok).toBe(true);
    for (const limit of [0, LIMITS.maxEarlierLines + 1, 1.5]) {
      const parsed = parsePayload(loadEarlierSchema, { container_id: FULL_ID, before, limit });
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain('limit');
    }
    expect(parsePayload(loadEarlierSchema, { container_id: FULL_ID }).ok).toBe(false);
    expect(parsePayload(loadEarlierSchema, { container_id: FULL_ID, before: { ts: 'x' } }).ok).toBe(
      false,
    );
  });

  it('dockerTime writes any RFC 3339 time as Docker does: UTC, nine fraction digits', () => {
    expect(dockerTime('2026-01-02T03:04:05Z')).toBe('2026-01-02T03:04:05.000000000Z');
    expect(dockerTime('2026-01-02T03:04:05.12Z')).toBe('2026-01-02T03:04:05.120000000Z');
    expect(dockerTime('2026-01-02T05:04:05.123456789+02:00')).toBe(
      '2026-01-02T03:04:05.123456789Z',
    );
    expect(dockerTime('2026-01-02 03:04:05Z')).toBeNull();
    expect(dockerTime('2026-13-02T03:04:05Z')).toBeNull();
  });
});

describe('other client payloads', () => {
  it('stop_log_stream takes the original container_id', () => {
    expect(parsePayload(stopLogStreamSchema, { container_id: FULL_ID }).ok).toBe(true);
    expect(parsePayload(stopLogStreamSchema, { container_id: FULL_ID, tail: 3 }).ok).toBe(false);
  });

  it('subscribe takes lists of hosts and containers, bounded', () => {
    expect(parsePayload(subscribeSchema, { hosts: ['a', 'b'], containers: [SHORT_ID] }).ok).toBe(
      true,
    );
    expect(parsePayload(subscribeSchema, {}).ok).toBe(true);
    const tooMany = Array.from({ length: LIMITS.maxSubscriptionItems + 1 }, (_, i) => `h${i}`);
    expect(parsePayload(subscribeSchema, { hosts: tooMany }).ok).toBe(false);
    expect(parsePayload(subscribeSchema, { hosts: 'a' }).ok).toBe(false);
  });

  it('subscribe and a view take compose projects: named, bounded', () => {
    expect(parsePayload(subscribeSchema, { projects: ['shop', 'my stack_2'] }).ok).toBe(true);
    expect(parsePayload(fleetViewSchema, { counts: true, projects: ['shop'] }).ok).toBe(true);
    const tooMany = Array.from({ length: LIMITS.maxSubscriptionProjects + 1 }, (_, i) => `p${i}`);
    for (const projects of [[''], ['x'.repeat(256)], ['a\nb'], tooMany, 'shop'])
      expect(parsePayload(subscribeSchema, { projects }).ok).toBe(false);
    expect(parsePayload(subscribeSchema, { projects: ['x'.repeat(255)] }).ok).toBe(true);
  });

  it('watch names a stack as a view does: any project an agent may report', () => {
    const stack = (project: string): unknown => ({ target: { kind: 'stack', project } });
    for (const project of ['shop', 'My Stack', '_build', 'x'.repeat(255)]) {
      expect(parsePayload(subscribeSchema, { projects: [project] }).ok).toBe(true);
      expect(parsePayload(watchSchema, stack(project)).ok).toBe(true);
    }
    for (const project of ['', 'x'.repeat(256), 'a\nb'])
      expect(parsePayload(watchSchema, stack(project)).ok).toBe(false);
  });

  it('find_containers takes a text of 1 to 100 characters and an optional limit of 1 to 200', () => {
    expect(parsePayload(findContainersSchema, { q: 'web' }).ok).toBe(true);
    expect(parsePayload(findContainersSchema, { q: 'x'.repeat(100), limit: 200 }).ok).toBe(true);
    for (const bad of [
      { q: '' },
      { q: 'x'.repeat(101) },
      { q: 'web', limit: 0 },
      { q: 'web', limit: 201 },
      { q: 'web', limit: 1.5 },
      { q: 3 },
      { q: 'web', all: true },
    ])
      expect(parsePayload(findContainersSchema, bad).ok).toBe(false);
  });

  it('a view may say up_to how many containers it takes whole: a whole number, bounded', () => {
    expect(parsePayload(fleetViewSchema, { counts: true, up_to: 2_000 }).ok).toBe(true);
    expect(parsePayload(fleetViewSchema, { counts: true, up_to: 0, hosts: ['a'] }).ok).toBe(true);
    for (const up_to of [-1, 1.5, '2000', 1_000_001])
      expect(parsePayload(fleetViewSchema, { counts: true, up_to }).ok).toBe(false);
  });

  it('container_action names a host and one of the typed actions only', () => {
    expect(
      parsePayload(containerActionSchema, {
        container_id: FULL_ID,
        host_id: 'h',
        action: 'restart',
      }).ok,
    ).toBe(true);
    const exec = parsePayload(containerActionSchema, {
      container_id: FULL_ID,
      host_id: 'h',
      action: 'exec',
    });
    expect(exec.ok).toBe(false);
    expect(parsePayload(containerActionSchema, { container_id: FULL_ID, action: 'stop' }).ok).toBe(
      false,
    );
  });

  it('heartbeat takes a finite number', () => {
    expect(parsePayload(heartbeatSchema, { sent_at: 1 }).ok).toBe(true);
    expect(parsePayload(heartbeatSchema, { sent_at: Infinity }).ok).toBe(false);
    expect(parsePayload(heartbeatSchema, { sent_at: '1' }).ok).toBe(false);
  });

  it('parseJson turns malformed JSON into a validation error', () => {
    expect(parseJson(heartbeatSchema, '{"sent_at":')).toEqual({
      ok: false,
      error: 'not valid JSON',
    });
    expect(parseJson(heartbeatSchema, '{"sent_at":5}')).toEqual({
      ok: true,
      value: { sent_at: 5 },
    });
  });
});

import type { AlertRule, Container } from '@flotilla/contracts';
import { sampleContainer } from '@flotilla/contracts/testing';
import { alertPayload, cooldownSubject, ruleFires } from './alert-firing';
import { AlertTriggers } from './alert-triggers';

const HOST = 'host-a';
let revision = 1;

function container(overrides: Partial<Container> = {}): Container {
  return sampleContainer({
    container_id: 'a'.repeat(64),
    host_id: HOST,
    name: 'web-1',
    state: 'running',
    finished_at: null,
    exit_code: null,
    health: 'none',
    labels: { 'com.docker.compose.project': 'shop', tier: 'front' },
    revision: revision++,
    ...overrides,
  });
}

const event = (c: Container) => ({ v: 1 as const, type: 'container' as const, container: c });

function rule(overrides: Partial<AlertRule> = {}): AlertRule {
  return {
    id: 'r1',
    name: 'rule',
    enabled: true,
    match: {},
    trigger: { kind: 'exit_nonzero' },
    webhook_url: 'http://127.0.0.1/hook',
    cooldown_seconds: 60,
    updated_by: 'root',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

describe('AlertTriggers', () => {
  it('sees an exit when finished_at changes, also when the restart policy restarted it', () => {
    const triggers = new AlertTriggers();
    triggers.load(HOST, [container()]);
    const died = triggers.event(
      HOST,
      '1000-0',
      event(container({ state: 'restarting', exit_code: 2, finished_at: '2026-01-01T00:00:01Z' })),
    );
    expect(died.map((o) => o.kind)).toEqual(['exit', 'exit_nonzero']);
    // The same state again (a revision bump): no new exit.
    expect(
      triggers.event(
        HOST,
        '1001-0',
        event(container({ state: 'running', exit_code: 2, finished_at: '2026-01-01T00:00:01Z' })),
      ),
    ).toEqual([]);
  });

  it('tells OOM kills, clean exits and health turning unhealthy once', () => {
    const triggers = new AlertTriggers();
    triggers.load(HOST, [container()]);
    const oom = container({ state: 'exited', exit_code: 137, oom_killed: true, finished_at: 't1' });
    expect(triggers.event(HOST, '1-0', event(oom)).map((o) => o.kind)).toEqual([
      'exit',
      'exit_nonzero',
      'oom_killed',
    ]);
    const clean = container({ state: 'exited', exit_code: 0, finished_at: 't2' });
    expect(triggers.event(HOST, '2-0', event(clean)).map((o) => o.kind)).toEqual(['exit']);
    const sick = container({ health: 'unhealthy', finished_at: 't2' });
    expect(triggers.event(HOST, '3-0', event(sick)).map((o) => o.kind)).toEqual(['unhealthy']);
    expect(triggers.event(HOST, '4-0', event(sick))).toEqual([]);
  });

  it('does not alert on the state it starts from', () => {
    const triggers = new AlertTriggers();
    const exited = container({ state: 'exited', exit_code: 1, finished_at: 't1' });
    triggers.load(HOST, [exited]);
    expect(triggers.event(HOST, '1-0', event(exited))).toEqual([]);
  });

  it('builds nothing while no rule is enabled, but keeps what it saw for rules enabled later', () => {
    const triggers = new AlertTriggers();
    triggers.load(HOST, [container()]);
    const crash = (n: number) => container({ state: 'exited', exit_code: 1, finished_at: `f${n}` });
    expect(triggers.event(HOST, '1000-0', event(crash(1)), false)).toEqual([]);
    expect(
      triggers.event(HOST, '2000-0', event(container({ health: 'unhealthy' })), false),
    ).toEqual([]);
    // Enabled now: the exit and the health already seen are not reported again...
    expect(triggers.event(HOST, '2500-0', event(container({ health: 'unhealthy' })))).toEqual([]);
    // ...and a crash loop counts the exits seen before.
    const [exit] = triggers.event(HOST, '3000-0', event(crash(2)));
    expect(exit.recentExits).toEqual([1_000, 3_000]);
    const offline = { v: 1 as const, type: 'host' as const, host: {} as never, online: false };
    expect(triggers.event(HOST, '4000-0', offline, false)).toEqual([]);
  });

  it('reports a host going offline by event or by its heartbeat, with a shared id', () => {
    const triggers = new AlertTriggers();
    const info = {
      host_id: HOST,
      labels: {},
      agent_version: 't',
      started_at: 't',
      engine: { reachable: true, version: '1', address: 'x', error: null },
    };
    expect(triggers.event(HOST, '5-0', { v: 1, type: 'host', host: info, online: false })).toEqual([
      { kind: 'host_offline', hostId: HOST, eventId: '5-0', at: 5 },
    ]);
    const status = { ...info, online: false, last_seen: '2026-01-01T00:00:00Z' };
    expect(triggers.hostOffline(status)[0]?.eventId).toBe('beat-2026-01-01T00:00:00Z');
    expect(triggers.hostOffline({ ...status, online: true })).toEqual([]);
  });
});

describe('ruleFires', () => {
  const triggers = new AlertTriggers();
  triggers.load(HOST, [container()]);
  const [exit, nonzero] = triggers.event(
    HOST,
    '10000-0',
    event(container({ state: 'exited', exit_code: 1, finished_at: 'x1' })),
  );

  it('matches host, name glob, label and compose project, all that are set', () => {
    expect(ruleFires(rule(), nonzero)).toBe(true);
    expect(ruleFires(rule({ match: { host: 'host-b' } }), nonzero)).toBe(false);
    expect(ruleFires(rule({ match: { container: 'web-?' } }), nonzero)).toBe(true);
    expect(ruleFires(rule({ match: { container: 'db-*' } }), nonzero)).toBe(false);
    expect(ruleFires(rule({ match: { label: 'tier=front' } }), nonzero)).toBe(true);
    expect(ruleFires(rule({ match: { label: 'tier' } }), nonzero)).toBe(true);
    expect(ruleFires(rule({ match: { label: 'tier=back' } }), nonzero)).toBe(false);
    expect(ruleFires(rule({ match: { project: 'shop', container: 'web-*' } }), nonzero)).toBe(true);
    expect(ruleFires(rule({ match: { project: 'blog' } }), nonzero)).toBe(false);
    expect(ruleFires(rule({ enabled: false }), nonzero)).toBe(false);
    expect(ruleFires(rule({ trigger: { kind: 'oom_killed' } }), nonzero)).toBe(false);
  });

  it('fires a crash loop on the Nth exit within the window only', () => {
    const loop = rule({ trigger: { kind: 'crash_loop', exits: 3, window_seconds: 10 } });
    const t = new AlertTriggers();
    t.load(HOST, [container()]);
    const exitAt = (ms: number, n: number) =>
      t
        .event(HOST, `${ms}-0`, event(container({ exit_code: 1, finished_at: `f${n}` })))
        .find((o) => o.kind === 'exit');
    expect(ruleFires(loop, exitAt(1_000, 1)!)).toBe(false);
    expect(ruleFires(loop, exitAt(2_000, 2)!)).toBe(false);
    const third = exitAt(3_000, 3)!;
    expect(ruleFires(loop, third)).toBe(true);
    expect(alertPayload(loop, third)).toMatchObject({ kind: 'crash_loop', exits: 3 });
    // Two of the three fall out of a 10 s window 20 s later.
    expect(ruleFires(loop, exitAt(21_000, 4)!)).toBe(false);
    expect(ruleFires(loop, exit)).toBe(false);
  });

  it('writes a Slack-compatible text and keeps cooldowns per container', () => {
    const payload = alertPayload(rule({ name: 'web down' }), nonzero);
    expect(payload.text).toBe('[Flotilla] web down: web-1 on host-a exited with code 1');
    expect(payload).toMatchObject({ event_id: '10000-0', at: new Date(10_000).toISOString() });
    expect(cooldownSubject(nonzero)).toBe(`${HOST}/${'a'.repeat(64)}`);
  });
});

import Redis from 'ioredis';
import {
  FLEET_EVENT_FIELD,
  RedisKeys,
  type AlertFiring,
  type AlertRule,
  type AuditEvent,
  type Container,
} from '@flotilla/contracts';
import { waitFor, WebhookReceiver } from '@flotilla/testing';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
  uniqueHostId,
} from '../support/fleet-fixtures';
import { startHarness, type Harness } from '../support/gateway-harness';
import { bearer, connectAs, SECRET, token, writeUsers } from '../security/security-fixtures';

jest.setTimeout(120_000);

describe('alerts: rules shared by 3 replicas, one webhook POST per firing (real Redis)', () => {
  const host = uniqueHostId('alerts');
  const other = uniqueHostId('alerts-other');
  let h: Harness;
  let receiver: WebhookReceiver;
  let redis: Redis;
  let adminToken: string;

  beforeAll(async () => {
    const usersFile = writeUsers([
      { user: 'root', role: 'admin' },
      { user: 'olga', role: 'operator' },
      { user: 'hostadmin', role: 'admin', scopes: { hosts: [host] } },
    ]);
    receiver = await WebhookReceiver.start();
    h = await startHarness({
      replicas: 3,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
      tuning: { alertRulesPollMs: 200, alertRetryBaseMs: 100, alertWebhookTimeoutMs: 5_000 },
    });
    redis = new Redis(h.redis.url);
    await announceHost(h.bus, host, []);
    await announceHost(h.bus, other, []);
    adminToken = await token(h.gateways[0].url, 'root');
  });

  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
    await receiver?.close();
  });

  const api = async (
    replica: number,
    method: string,
    path: string,
    auth: string = adminToken,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${h.gateways[replica].url}${path}`, {
      method,
      headers: { ...bearer(auth), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  const createRule = async (input: Record<string, unknown>): Promise<AlertRule> => {
    const res = await api(0, 'POST', '/api/alert-rules', adminToken, input);
    expect(res.status).toBe(201);
    return res.json.rule as AlertRule;
  };

  /** Every replica has evaluated `eventId` of `hostId` and has no delivery running. */
  const settled = (hostId: string, eventId: string) =>
    waitFor(
      () =>
        h.gateways.every((g) => {
          const alerts = g.inspect().alerts;
          return alerts.evaluated[hostId] === eventId && alerts.deliveries === 0;
        }),
      { timeoutMs: 30_000, message: `every replica done with ${hostId} ${eventId}` },
    );

  const firings = async (): Promise<AlertFiring[]> =>
    (await api(1, 'GET', '/api/alert-firings?limit=1000')).json.firings as AlertFiring[];

  /** The container's next exit, as the agent publishes it after Docker's `die`. */
  const exit = (c: Container, code: number, extra: Partial<Container> = {}): Container =>
    changed(c, {
      state: 'exited',
      exit_code: code,
      finished_at: new Date(Date.now() + Math.random()).toISOString(),
      ...extra,
    });

  /** Every replica evaluates with the rule. */
  const everyReplicaHas = (ruleId: string) =>
    waitFor(() => h.gateways.every((g) => g.inspect().alerts.rules.includes(ruleId)), {
      timeoutMs: 10_000,
      message: `every replica reads rule ${ruleId}`,
    });

  it('only admins of the whole fleet manage rules and read firings; changes are audited', async () => {
    const input = {
      name: 'nobody may',
      trigger: { kind: 'exit_nonzero' },
      webhook_url: receiver.url('/never'),
    };
    const operator = await token(h.gateways[0].url, 'olga');
    const scopedAdmin = await token(h.gateways[0].url, 'hostadmin');
    for (const auth of [operator, scopedAdmin]) {
      expect((await api(0, 'POST', '/api/alert-rules', auth, input)).status).toBe(403);
      expect((await api(0, 'GET', '/api/alert-rules', auth)).status).toBe(403);
      expect((await api(0, 'GET', '/api/alert-firings', auth)).status).toBe(403);
    }
    // The page is told the same on connecting, so it offers the rule editor only to fleet admins.
    for (const [auth, manage] of [
      [operator, false],
      [scopedAdmin, false],
      [adminToken, true],
    ] as const) {
      const client = await connectAs(h.gateways[2].url, bearer(auth));
      try {
        expect(client.all('connection_established')[0].manage_alerts).toBe(manage);
      } finally {
        client.close();
      }
    }
    const anonymous = await fetch(`${h.gateways[0].url}/api/alert-rules`);
    expect(anonymous.status).toBe(401);
    expect(await redis.hlen(RedisKeys.alertRules)).toBe(0);

    // Bad input: a clear 400 and nothing stored.
    for (const bad of [
      { ...input, webhook_url: 'file:///etc/passwd' },
      { ...input, webhook_url: 'http://user:secret@127.0.0.1/' },
      { ...input, trigger: { kind: 'reboot' } },
      { ...input, match: { container: 'web-*', extra: 1 } },
      { ...input, cooldown_seconds: -1 },
    ]) {
      const res = await api(0, 'POST', '/api/alert-rules', adminToken, bad);
      expect(res.status).toBe(400);
      expect(res.json.code).toBe('invalid_payload');
    }
    expect(await redis.hlen(RedisKeys.alertRules)).toBe(0);

    const rule = await createRule(input);
    const replaced = await api(2, 'PUT', `/api/alert-rules/${rule.id}`, adminToken, {
      ...input,
      name: 'renamed',
    });
    expect(replaced.status).toBe(200);
    expect((replaced.json.rule as AlertRule).name).toBe('renamed');
    expect((await api(1, 'DELETE', `/api/alert-rules/${rule.id}`)).status).toBe(200);
    expect((await api(1, 'DELETE', `/api/alert-rules/${rule.id}`)).status).toBe(404);
    expect((await api(1, 'PUT', `/api/alert-rules/${rule.id}`, adminToken, input)).status).toBe(
      404,
    );

    const audit = (await api(0, 'GET', '/api/audit?limit=50')).json.events as AuditEvent[];
    const kinds = audit.filter((e) => e.rule_id === rule.id).map((e) => [e.kind, e.user, e.ok]);
    expect(kinds).toEqual([
      ['alert_rule_delete', 'root', true],
      ['alert_rule_update', 'root', true],
      ['alert_rule_create', 'root', true],
    ]);
    expect(audit.some((e) => e.kind === 'alert_rule_create' && e.user === 'olga' && !e.ok)).toBe(
      true,
    );
  });

  it('delivers exactly one POST per firing across 3 replicas, none during the cooldown', async () => {
    const web = makeContainer(host, { name: 'web-1', state: 'running' });
    const web2 = makeContainer(host, { name: 'web-2', state: 'running' });
    const db = makeContainer(host, { name: 'db-1', state: 'running' });
    for (const c of [web, web2, db]) await publishChange(h.bus, c);
    const rule = await createRule({
      name: 'web exits',
      match: { host, container: 'web-*' },
      trigger: { kind: 'exit_nonzero' },
      webhook_url: receiver.url('/exits'),
      cooldown_seconds: 3_600,
    });
    // No cooldown: every firing is delivered, each by one replica only.
    const every = await createRule({
      name: 'every web exit',
      match: { container: 'web-*' },
      trigger: { kind: 'exit_nonzero' },
      webhook_url: receiver.url('/every'),
      cooldown_seconds: 0,
    });
    await everyReplicaHas(rule.id);
    await everyReplicaHas(every.id);
    await waitFor(() => h.gateways.every((g) => g.inspect().alerts.evaluated[host] !== undefined));

    const first = await publishChange(h.bus, exit(web, 3));
    await settled(host, first);
    expect(receiver.at('/exits')).toHaveLength(1);
    const body = receiver.at('/exits')[0].body;
    expect(body).toMatchObject({
      kind: 'exit_nonzero',
      host_id: host,
      container_id: web.container_id,
      container_name: 'web-1',
      exit_code: 3,
      rule: { id: rule.id, name: 'web exits' },
      event_id: first,
    });
    expect(body.text).toBe(`[Flotilla] web exits: web-1 on ${host} exited with code 3`);

    // The same container again within the cooldown: nothing. A clean exit, another name: nothing.
    const again = await publishChange(h.bus, exit(web, 1));
    await settled(host, again);
    const clean = await publishChange(h.bus, exit(web2, 0));
    await settled(host, clean);
    const notMatched = await publishChange(h.bus, exit(db, 1));
    await settled(host, notMatched);
    expect(receiver.at('/exits')).toHaveLength(1);

    // Another container: its own cooldown, one more POST.
    const second = await publishChange(h.bus, exit(web2, 137, { oom_killed: true }));
    await settled(host, second);
    expect(receiver.at('/exits').map((r) => r.body.event_id)).toEqual([first, second]);
    expect(receiver.at('/every').map((r) => r.body.event_id)).toEqual([first, again, second]);

    const history = (await firings()).filter((f) => f.rule_id === rule.id);
    expect(history.map((f) => [f.event_id, f.status, f.attempts, f.http_status])).toEqual([
      [second, 'delivered', 1, 200],
      [first, 'delivered', 1, 200],
    ]);
    await api(0, 'DELETE', `/api/alert-rules/${rule.id}`);
    await api(0, 'DELETE', `/api/alert-rules/${every.id}`);
  });

  it('retries a receiver that answers 500, with backoff, until it takes the POST', async () => {
    const api1 = makeContainer(host, { name: 'api-1', state: 'running' });
    await publishChange(h.bus, api1);
    const rule = await createRule({
      name: 'api oom',
      match: { container: 'api-*' },
      trigger: { kind: 'oom_killed' },
      webhook_url: receiver.url('/retry'),
      cooldown_seconds: 0,
    });
    await everyReplicaHas(rule.id);
    receiver.statuses.push(500, 503);
    const id = await publishChange(h.bus, exit(api1, 137, { oom_killed: true }));
    await settled(host, id);
    expect(receiver.at('/retry')).toHaveLength(3);
    const [firing] = (await firings()).filter((f) => f.rule_id === rule.id);
    expect(firing).toMatchObject({
      status: 'delivered',
      attempts: 3,
      http_status: 200,
      error: null,
    });
    await api(0, 'DELETE', `/api/alert-rules/${rule.id}`);
  });

  it('records a firing as failed when every attempt fails', async () => {
    const job = makeContainer(host, { name: 'job-1', state: 'running' });
    await publishChange(h.bus, job);
    const rule = await createRule({
      name: 'job exits',
      match: { container: 'job-*' },
      trigger: { kind: 'exit_nonzero' },
      webhook_url: receiver.url('/down'),
    });
    await everyReplicaHas(rule.id);
    receiver.statuses.push(500, 500, 500, 500, 500);
    const id = await publishChange(h.bus, exit(job, 2));
    await settled(host, id);
    expect(receiver.at('/down')).toHaveLength(5);
    const [firing] = (await firings()).filter((f) => f.rule_id === rule.id);
    expect(firing).toMatchObject({
      status: 'failed',
      attempts: 5,
      http_status: 500,
      error: 'HTTP 500',
    });
    await api(0, 'DELETE', `/api/alert-rules/${rule.id}`);
  });

  it("does not fire for a host on an event forged into another host's stream", async () => {
    const victim = makeContainer(other, { name: 'pay-1', state: 'running' });
    await publishChange(h.bus, victim);
    const rule = await createRule({
      name: 'pay exits',
      match: { host: other },
      trigger: { kind: 'exit_nonzero' },
      webhook_url: receiver.url('/forged'),
      cooldown_seconds: 0,
    });
    await everyReplicaHas(rule.id);
    await waitFor(() => h.gateways.every((g) => g.inspect().alerts.evaluated[other] !== undefined));
    // The agent of `host` (its ACL lets it write its own stream) claims `other`'s container died.
    const forged = await redis.xadd(
      RedisKeys.events(host),
      '*',
      FLEET_EVENT_FIELD,
      JSON.stringify({ v: 1, type: 'container', container: exit(victim, 1) }),
    );
    if (forged === null) throw new Error('XADD returned no id');
    // The bus drops the forged entry before any listener sees it: the next one of the stream
    // is where every replica is done with it.
    const after = await publishChange(h.bus, makeContainer(host, { name: 'barrier' }));
    await settled(host, after);
    expect(receiver.at('/forged')).toHaveLength(0);
    // The same exit from the host's own stream fires.
    const real = await publishChange(h.bus, exit(victim, 1));
    await settled(other, real);
    expect(receiver.at('/forged').map((r) => r.body.event_id)).toEqual([real]);
    await api(0, 'DELETE', `/api/alert-rules/${rule.id}`);
  });

  it('fires a crash-loop rule on the Nth exit within its window', async () => {
    const worker = makeContainer(host, { name: 'worker-1', state: 'running' });
    await publishChange(h.bus, worker);
    const rule = await createRule({
      name: 'worker loop',
      match: { container: 'worker-*' },
      trigger: { kind: 'crash_loop', exits: 3, window_seconds: 300 },
      webhook_url: receiver.url('/loop'),
      cooldown_seconds: 600,
    });
    await everyReplicaHas(rule.id);
    let last = '';
    for (let i = 0; i < 4; i++) {
      last = await publishChange(h.bus, exit(worker, 1, { state: 'restarting' }));
      await settled(host, last);
      expect(receiver.at('/loop')).toHaveLength(i < 2 ? 0 : 1);
    }
    expect(receiver.at('/loop')[0].body).toMatchObject({ kind: 'crash_loop', exits: 3 });
    await api(0, 'DELETE', `/api/alert-rules/${rule.id}`);
  });

  it('follows the logs of matching containers with no viewer and alerts on a matching line', async () => {
    const input = {
      name: 'app errors',
      match: { container: 'app-*' },
      trigger: { kind: 'log_match', pattern: 'ERROR [0-9]+' },
      webhook_url: receiver.url('/logs'),
      cooldown_seconds: 0,
    };
    for (const pattern of ['ERROR (', '(?<=x)y', 'x'.repeat(513)]) {
      const bad = await api(0, 'POST', '/api/alert-rules', adminToken, {
        ...input,
        trigger: { kind: 'log_match', pattern },
      });
      expect([pattern.slice(0, 10), bad.status, bad.json.code]).toEqual([
        pattern.slice(0, 10),
        400,
        'invalid_payload',
      ]);
    }
    const app = makeContainer(host, { name: 'app-1', state: 'running' });
    const quiet = makeContainer(host, { name: 'db-9', state: 'running' });
    await publishChange(h.bus, app);
    await publishChange(h.bus, quiet);
    const rule = await createRule(input);
    await everyReplicaHas(rule.id);
    const key = RedisKeys.logs(host, app.container_id);
    // What the agent reads: a logs lease on the matching container only.
    await waitFor(async () => (await h.bus.leases.active('logs', host)).includes(app.container_id));
    expect(await h.bus.leases.active('logs', host)).not.toContain(quiet.container_id);
    await waitFor(() => h.gateways.every((g) => key in g.inspect().alerts.logs));

    const ts = '2026-01-01T00:00:00.000000000Z';
    const entry = await h.bus.logs.append(host, app.container_id, 1, {
      lines: [`${ts} starting`, `${ts} ERROR 42 disk full`, `${ts} ok`, `${ts} ERROR 7`],
      stderr: [1],
      lastTimestamp: ts,
    });
    await waitFor(
      () =>
        h.gateways.every((g) => {
          const alerts = g.inspect().alerts;
          return alerts.logs[key] === entry.id && alerts.deliveries === 0;
        }),
      { timeoutMs: 30_000, message: 'every replica read the log entry' },
    );
    expect(receiver.at('/logs').map((r) => r.body.line)).toEqual(['ERROR 42 disk full', 'ERROR 7']);
    expect(receiver.at('/logs')[0].body).toMatchObject({
      kind: 'log_match',
      container_name: 'app-1',
      text: '[Flotilla] app errors: app-1 on ' + host + ' logged: ERROR 42 disk full',
    });

    // Deleting the rule ends the lease, so the agent stops following.
    await api(0, 'DELETE', `/api/alert-rules/${rule.id}`);
    await waitFor(
      async () => !(await h.bus.leases.active('logs', host)).includes(app.container_id),
      { timeoutMs: 10_000, message: 'lease released' },
    );
  });
});

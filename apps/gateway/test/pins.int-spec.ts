import { PIN_LIMITS, type AuditEvent, type Pin, type PinsPayload } from '@flotilla/contracts';
import { waitFor } from '@flotilla/testing';
import {
  announceHost,
  changed,
  makeContainer,
  publishChange,
  uniqueHostId,
} from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';
import type { TestClient } from './support/test-client';
import {
  bearer,
  connectAs,
  rewriteUsers,
  SECRET,
  token,
  writeUsers,
  type TestUser,
} from './security/security-fixtures';

jest.setTimeout(90_000);

/** The promise: a pin shows to the container's viewers on every replica within 2 s. */
const WITHIN_MS = 2_000;
/** How long a wait may take on a loaded machine before the test gives up. */
const WAIT_MS = 10_000;

const TS = '2026-01-02T03:04:05.123456789Z';

/**
 * Two replicas on one real Redis. olga (operator) pins on replica 0; bob (viewer) and carol
 * (operator of the `web-*` containers only) are on replica 1. Every message a client receives is
 * kept, so a leak shows however briefly it lasted.
 */
describe('pinned lines across replicas (real Redis, users mode)', () => {
  const host = uniqueHostId('pins');
  const web = makeContainer(host, { name: 'web-1' });
  const db = makeContainer(host, { name: 'db-1' });
  /** Renamed out of the `web-*` scope while carol looks at it. */
  const renamed = makeContainer(host, { name: 'web-2' });
  /** Seen by dora and erin until the users file changes. */
  const shared = makeContainer(host, { name: 'web-3' });
  let users: TestUser[] = [
    { user: 'olga', role: 'operator' },
    { user: 'bob', role: 'viewer' },
    { user: 'carol', role: 'operator', scopes: { containers: ['web-*'] } },
    // dora's scope shrinks and erin is removed from the users file while they look at web-1.
    { user: 'dora', role: 'viewer', scopes: { containers: ['web-*'] } },
    { user: 'erin', role: 'viewer' },
  ];
  let usersFile: string;
  const onWeb = { kind: 'container', host_id: host, container_id: web.container_id } as const;
  const onDb = { kind: 'container', host_id: host, container_id: db.container_id } as const;
  const line = (container: { container_id: string }, note: string, ts = TS) => ({
    host_id: host,
    container_id: container.container_id,
    ts,
    line_no: 41,
    line: 'ERROR <script>alert(1)</script> upstream timed out',
    note,
  });
  let h: Harness;
  const others: TestClient[] = [];
  const tokens: Record<string, string> = {};
  let olga: TestClient;
  let bob: TestClient;
  let carol: TestClient;

  const stored = (c: { container_id: string }): Promise<Pin[]> =>
    h.bus.pins.list(host, c.container_id);
  const rest = async (user: string, c: { container_id: string }, replica = 1) => {
    const res = await fetch(
      `${h.gateways[replica].url}/api/containers/${host}/${c.container_id}/pins`,
      { headers: bearer(tokens[user]) },
    );
    return { status: res.status, body: await res.json() };
  };
  const audited = async (kind: AuditEvent['kind'], pinId?: string): Promise<AuditEvent[]> =>
    h.bus.audit.list(
      1_000,
      (r) => r.kind === kind && r.host_id === host && (pinId === undefined || r.pin_id === pinId),
    );

  beforeAll(async () => {
    usersFile = writeUsers(users);
    h = await startHarness({
      replicas: 2,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
    });
    await announceHost(h.bus, host, [web, db, renamed, shared]);
    for (const u of users) tokens[u.user] = await token(h.gateways[0].url, u.user);
    olga = await connectAs(h.gateways[0].url, bearer(tokens.olga));
    bob = await connectAs(h.gateways[1].url, bearer(tokens.bob));
    carol = await connectAs(h.gateways[1].url, bearer(tokens.carol));
  });

  afterAll(async () => {
    for (const client of [olga, bob, carol, ...others]) client?.close();
    await h?.close();
  });

  it('tells the socket whether its role may pin', async () => {
    const [o, b] = await Promise.all([
      olga.waitFor('connection_established'),
      bob.waitFor('connection_established'),
    ]);
    expect(o.pin_lines).toBe(true);
    expect(b.pin_lines).toBe(false);
  });

  it('a pin made on one replica reaches a viewer on the other within 2 s, and is audited', async () => {
    expect(await bob.request('watch', { target: onWeb })).toMatchObject({ status: 'ok' });
    expect(await carol.request('watch', { target: onWeb })).toMatchObject({ status: 'ok' });
    const started = Date.now();
    const ack = await olga.request('pin_line', line(web, 'the first timeout'));
    if (ack.status !== 'ok') throw new Error(`pin refused: ${JSON.stringify(ack)}`);
    const pushed = await bob.waitFor(
      'pins',
      (p) => p.container_id === web.container_id && p.pins.some((x) => x.id === ack.pin.id),
      WAIT_MS,
    );
    expect(Date.now() - started).toBeLessThan(WITHIN_MS);
    expect(pushed.pins).toEqual([ack.pin]);
    expect(ack.pin).toMatchObject({
      host_id: host,
      container_id: web.container_id,
      ts: TS,
      line_no: 41,
      note: 'the first timeout',
      user: 'olga',
    });
    await carol.waitFor('pins', (p) => p.pins.some((x) => x.id === ack.pin.id), WAIT_MS);
    expect(await audited('pin', ack.pin.id)).toEqual([
      expect.objectContaining({ user: 'olga', ok: true, container_id: web.container_id }),
    ]);
  });

  it('lists the pins over REST, scope-checked', async () => {
    const { status, body } = await rest('bob', web);
    expect(status).toBe(200);
    expect(body).toEqual({
      host_id: host,
      container_id: web.container_id,
      pins: await stored(web),
    });
    expect((body as PinsPayload).pins).toHaveLength(1);
    // carol's scope holds web-* only: db-1 answers exactly as a container that does not exist.
    const outOfScope = await rest('carol', db);
    const unknown = await rest('carol', { container_id: 'f'.repeat(64) });
    expect(outOfScope.status).toBe(404);
    expect(outOfScope.status).toBe(unknown.status);
    expect(JSON.stringify(outOfScope.body).replaceAll(db.container_id, 'X')).toBe(
      JSON.stringify(unknown.body).replaceAll('f'.repeat(64), 'X'),
    );
  });

  it('a scoped user can neither pin out of scope nor hear of pins there', async () => {
    const refused = await carol.request('pin_line', line(db, 'not yours'));
    expect(refused).toMatchObject({ status: 'error', code: 'unknown_container' });
    expect(await stored(db)).toEqual([]);
    // bob views db-1 as well; carol still watches web-1 and must not get db-1's pins.
    expect(await bob.request('watch', { target: onDb })).toMatchObject({ status: 'ok' });
    const ack = await olga.request('pin_line', line(db, 'disk full'));
    expect(ack.status).toBe('ok');
    await bob.waitFor('pins', (p) => p.container_id === db.container_id, WAIT_MS);
    // carol's replica got the same change at the same time as bob's socket did.
    expect(carol.all('pins').filter((p) => p.container_id === db.container_id)).toEqual([]);
    const unpin =
      ack.status === 'ok' &&
      (await carol.request('unpin', {
        host_id: host,
        container_id: db.container_id,
        pin_id: ack.pin.id,
      }));
    expect(unpin).toMatchObject({ status: 'error', code: 'unknown_container' });
    expect(await stored(db)).toHaveLength(1);
  });

  it('refuses the viewer role, stores nothing, and audits the refusal', async () => {
    const before = await stored(web);
    expect(await bob.request('pin_line', line(web, 'viewers only look'))).toMatchObject({
      status: 'error',
      code: 'forbidden',
    });
    expect(
      await bob.request('unpin', {
        host_id: host,
        container_id: web.container_id,
        pin_id: before[0].id,
      }),
    ).toMatchObject({ status: 'error', code: 'forbidden' });
    expect(await stored(web)).toEqual(before);
    await waitFor(async () => (await audited('pin')).some((r) => r.user === 'bob' && !r.ok), {
      timeoutMs: WAIT_MS,
      message: 'refused pin audited',
    });
  });

  it.each([
    ['a note too long', { note: 'x'.repeat(PIN_LIMITS.noteChars + 1) }, /note is longer than 280/],
    ['an empty note', { note: '   ' }, /note is empty/],
    ['a ts that is no time', { ts: 'yesterday' }, /a time is RFC 3339/],
    ['a line too long', { line: 'é'.repeat(PIN_LIMITS.lineBytes / 2 + 1) }, /line is longer/],
    ['a field the contract lacks', { color: 'red' }, /unrecognized key/i],
  ])('refuses %s with a clear error and stores nothing', async (_what, change, message) => {
    const before = await stored(web);
    const ack = await olga.request('pin_line', { ...line(web, 'ok'), ...change });
    expect(ack).toMatchObject({ status: 'error', code: 'invalid_payload' });
    expect(ack.status === 'error' && ack.error).toMatch(message);
    expect(await stored(web)).toEqual(before);
  });

  it('unpinning reaches the viewers on every replica and is audited', async () => {
    const [pin] = await stored(web);
    expect(await bob.request('watch', { target: onWeb })).toMatchObject({ status: 'ok' });
    const seen = bob.all('pins').length;
    expect(
      await olga.request('unpin', {
        host_id: host,
        container_id: web.container_id,
        pin_id: pin.id,
      }),
    ).toEqual({ status: 'ok' });
    await waitFor(
      () =>
        bob
          .all('pins')
          .slice(seen)
          .some((p) => p.container_id === web.container_id && p.pins.length === 0),
      { timeoutMs: WAIT_MS, message: 'empty pins pushed' },
    );
    expect(await stored(web)).toEqual([]);
    expect(await audited('unpin', pin.id)).toHaveLength(1);
    expect(
      await olga.request('unpin', {
        host_id: host,
        container_id: web.container_id,
        pin_id: pin.id,
      }),
    ).toMatchObject({ status: 'error', code: 'invalid_payload' });
  });

  it('keeps at most the cap of pins per container', async () => {
    const many = Array.from({ length: PIN_LIMITS.perContainer }, (_, i) =>
      h.bus.pins.add(
        {
          id: crypto.randomUUID(),
          host_id: host,
          container_id: web.container_id,
          ts: TS,
          line: `line ${i}`,
          note: 'bulk',
          user: 'olga',
          created_at: new Date().toISOString(),
        },
        PIN_LIMITS.perContainer,
      ),
    );
    await Promise.all(many);
    const ack = await olga.request('pin_line', line(web, 'one too many'));
    expect(ack).toMatchObject({ status: 'error', code: 'invalid_payload' });
    expect(ack.status === 'error' && ack.error).toMatch(/at most 100 pins/);
    expect(await stored(web)).toHaveLength(PIN_LIMITS.perContainer);
  });

  /** Every event the client received from `mark` on, as text: a pin's note cannot hide in it. */
  const since = (client: TestClient, mark: number): string =>
    JSON.stringify(client.received.slice(mark));
  const target = (c: { container_id: string }) =>
    ({ kind: 'container', host_id: host, container_id: c.container_id }) as const;
  const pinned = (client: TestClient, c: { container_id: string }, pinId: string) =>
    client.waitFor(
      'pins',
      (p) => p.container_id === c.container_id && p.pins.some((x) => x.id === pinId),
      WAIT_MS,
    );

  it('a viewer whose container leaves her scope while her socket stays open gets no further pin of it', async () => {
    expect(await carol.request('watch', { target: target(renamed) })).toMatchObject({
      status: 'ok',
    });
    expect(await bob.request('watch', { target: target(renamed) })).toMatchObject({
      status: 'ok',
    });
    const first = await olga.request('pin_line', line(renamed, 'before the rename'));
    if (first.status !== 'ok') throw new Error(`pin refused: ${JSON.stringify(first)}`);
    await pinned(carol, renamed, first.pin.id);
    // The host's agent reports `docker rename`: web-2 is now old-2, outside carol's `web-*`. Her
    // socket stays open and her page still watches the container (she is not told to stop).
    await publishChange(h.bus, changed(renamed, { name: 'old-2' }));
    const mark = carol.received.length;
    const second = await olga.request('pin_line', line(renamed, 'after the rename'));
    if (second.status !== 'ok') throw new Error(`pin refused: ${JSON.stringify(second)}`);
    await pinned(bob, renamed, second.pin.id);
    // A round trip on carol's socket: whatever her replica sent her before the ack has arrived.
    expect(await carol.request('heartbeat', { sent_at: Date.now() })).toMatchObject({
      status: 'ok',
    });
    expect(carol.socket.connected).toBe(true);
    expect(since(carol, mark)).not.toContain('after the rename');
    expect(since(carol, mark)).not.toContain(second.pin.id);
  });

  it('a viewer whose scope shrinks, or who is removed, is cut off before any further pin', async () => {
    // dora on the replica olga does not use, erin on the one she does.
    const dora = await connectAs(h.gateways[1].url, bearer(tokens.dora));
    const erin = await connectAs(h.gateways[0].url, bearer(tokens.erin));
    others.push(dora, erin);
    for (const client of [dora, erin, bob])
      expect(await client.request('watch', { target: target(shared) })).toMatchObject({
        status: 'ok',
      });
    const first = await olga.request('pin_line', line(shared, 'before the change'));
    if (first.status !== 'ok') throw new Error(`pin refused: ${JSON.stringify(first)}`);
    await Promise.all([pinned(dora, shared, first.pin.id), pinned(erin, shared, first.pin.id)]);
    const marks = [dora.received.length, erin.received.length];
    users = users
      .filter((u) => u.user !== 'erin')
      .map((u) => (u.user === 'dora' ? { ...u, scopes: { containers: ['db-*'] } } : u));
    rewriteUsers(usersFile, users);
    await waitFor(() => !dora.socket.connected && !erin.socket.connected, {
      timeoutMs: WAIT_MS,
      message: 'the sockets of dora and erin closed by their replicas',
    });
    const second = await olga.request('pin_line', line(shared, 'after the change'));
    if (second.status !== 'ok') throw new Error(`pin refused: ${JSON.stringify(second)}`);
    await pinned(bob, shared, second.pin.id);
    expect(since(dora, marks[0])).not.toContain('after the change');
    expect(since(erin, marks[1])).not.toContain('after the change');
    expect(dora.all('error')).toContainEqual(expect.objectContaining({ code: 'forbidden' }));
    expect(erin.all('error')).toContainEqual(expect.objectContaining({ code: 'unauthenticated' }));
    // dora's session is still good: on a new socket the container is unknown to her.
    const again = await connectAs(h.gateways[1].url, bearer(tokens.dora));
    others.push(again);
    expect(await again.request('watch', { target: target(shared) })).toMatchObject({
      status: 'error',
      code: 'unknown_container',
    });
    expect((await rest('dora', shared)).status).toBe(404);
    expect(again.all('pins')).toEqual([]);
  });
});

import { loadAgentConfig, silentLogger, startAgent, type AgentHandle } from '@flotilla/agent';
import type {
  SearchDonePayload,
  SearchLogsAck,
  SearchLogsPayload,
  SearchMatch,
  SearchResultsPayload,
  SearchSummary,
} from '@flotilla/contracts';
import {
  startSecondDockerd,
  useTestContainers,
  waitFor,
  waitForContainerExit,
  type SecondDockerd,
} from '@flotilla/testing';
import { uniqueHostId } from './support/fleet-fixtures';
import { startHarness, type Harness } from './support/gateway-harness';
import { bearer, connectAs, SECRET, token, writeUsers } from './security/security-fixtures';
import type { TestClient } from './support/test-client';

jest.setTimeout(120_000);

type Line = SearchMatch | SearchSummary;

/** Stops reading the socket's TCP stream (it can still send): a page that fell behind. */
function stopReading(client: TestClient): () => void {
  const engine = client.socket.io.engine as unknown as {
    transport: { ws: { pause(): void; resume(): void } };
  };
  // ws's own pause: the socket is not resumed behind its back when the parser drains.
  const ws = engine.transport.ws;
  ws.pause();
  return () => ws.resume();
}

/**
 * Log search pushed down to real agents on two Docker engines, through two gateway replicas:
 * time order across hosts, since/until, limit, cancel observed at the agent, scopes, hostile
 * and bad patterns.
 */
describe('fleet log search (two dockerd engines, two replicas, real Redis)', () => {
  let second: SecondDockerd;
  let h: Harness;
  let agentA: AgentHandle;
  let agentB: AgentHandle;
  const hostA = uniqueHostId('srch-a');
  const hostB = uniqueHostId('srch-b');
  const tokens: Record<string, string> = {};
  const mainContainers = useTestContainers();
  const ids: Record<string, string> = {};
  /** The main engine is shared: searches name this test's containers by a label of their own. */
  const mine = { label: `flotilla.search=${hostA}` };
  const labels = { 'flotilla.search': hostA };

  beforeAll(async () => {
    second = await startSecondDockerd();
    const usersFile = writeUsers([
      { user: 'ann', role: 'admin' },
      // sam may see host A's `a-*` containers only.
      { user: 'sam', role: 'viewer', scopes: { hosts: [hostA], containers: ['a-*'] } },
    ]);
    h = await startHarness({
      replicas: 2,
      env: { AUTH_MODE: 'users', USERS_FILE: usersFile, SESSION_SECRET: SECRET },
    });
    const start = (hostId: string, env: Record<string, string>) =>
      startAgent(loadAgentConfig({ ...h.redisEnv, HOST_ID: hostId, LOG_LEVEL: 'error', ...env }), {
        logger: silentLogger,
      });
    [agentA, agentB] = await Promise.all([
      start(hostA, {}),
      start(hostB, { DOCKER_HOST: `unix://${second.socketPath}` }),
    ]);
    tokens.ann = await token(h.gateways[0].url, 'ann');
    tokens.sam = await token(h.gateways[1].url, 'sam');
  }, 120_000);
  const secondContainers = useTestContainers(() => second.docker);

  afterAll(async () => {
    await Promise.allSettled([agentA?.stop(), agentB?.stop()]);
    await h?.close();
    await second?.close();
  }, 60_000);

  /** Five `needle` lines, 300 ms apart, so the containers' lines interleave in time. */
  const printer = (name: string, tail = 'sleep 3600') =>
    `for i in 1 2 3 4 5; do echo "needle ${name} $i"; echo "hay ${name} $i" >&2; sleep 0.3; done; ${tail}`;

  const search = async (
    user: string,
    query: Record<string, string>,
    replica = 0,
  ): Promise<{ status: number; lines: Line[]; text: string; type: string | null }> => {
    const res = await fetch(
      `${h.gateways[replica].url}/api/search?${new URLSearchParams(query).toString()}`,
      { headers: bearer(tokens[user]) },
    );
    const text = await res.text();
    const lines =
      res.status === 200
        ? text
            .split('\n')
            .filter((l) => l.length > 0)
            .map((l) => JSON.parse(l) as Line)
        : [];
    return { status: res.status, lines, text, type: res.headers.get('content-type') };
  };
  const matchesOf = (lines: Line[]) => lines.filter((l): l is SearchMatch => !('done' in l));
  const summaryOf = (lines: Line[]) => lines[lines.length - 1] as SearchSummary;

  const inSnapshot = (hostId: string, id: string) =>
    waitFor(async () => (await h.bus.snapshots.get(hostId, id)) !== null, {
      timeoutMs: 20_000,
      message: `container ${id} in ${hostId}'s snapshot`,
    });

  beforeAll(async () => {
    const [aRun, aStop, bRun, bSecret] = await Promise.all([
      mainContainers.create(printer('a-run'), { name: `a-run-${hostA}`, labels }),
      mainContainers.create(printer('a-stop', 'exit 0'), { name: `a-stop-${hostA}`, labels }),
      secondContainers.create(printer('b-run'), { name: `a-run-${hostB}`, labels }),
      secondContainers.create(printer('b-secret'), { name: `secret-${hostB}`, labels }),
    ]);
    Object.assign(ids, { aRun: aRun.id, aStop: aStop.id, bRun: bRun.id, bSecret: bSecret.id });
    await waitForContainerExit(aStop, 20_000);
    await Promise.all([
      inSnapshot(hostA, aRun.id),
      inSnapshot(hostA, aStop.id),
      inSnapshot(hostB, bRun.id),
      inSnapshot(hostB, bSecret.id),
    ]);
    // Every container printed its five lines (the running ones go on sleeping).
    await waitFor(
      async () => {
        const { status, text } = await search('ann', { q: '^needle', ...mine });
        const found = text.split('\n').length - 2;
        if (found !== 20) throw new Error(`${status}: ${found} matches: ${text.slice(-400)}`);
        return true;
      },
      { timeoutMs: 20_000, message: 'all needles printed' },
    );
  }, 120_000);

  it('finds the lines of running and stopped containers on both hosts, in time order', async () => {
    const { status, lines, type } = await search(
      'ann',
      { q: 'needle (a|b)-(run|stop|secret) [0-9]', ...mine },
      1,
    );
    expect(status).toBe(200);
    expect(type).toMatch(/application\/x-ndjson/);
    const matches = matchesOf(lines);
    expect(matches).toHaveLength(20);
    const ts = matches.map((m) => m.ts);
    expect([...ts].sort()).toEqual(ts);
    expect(new Set(matches.map((m) => m.host_id))).toEqual(new Set([hostA, hostB]));
    expect(Object.keys(matches[0])).toEqual([
      'host_id',
      'container_id',
      'container_name',
      'ts',
      'stream',
      'line',
    ]);
    const stopped = matches.filter((m) => m.container_id === ids.aStop);
    expect(stopped.map((m) => m.line)).toEqual([1, 2, 3, 4, 5].map((i) => `needle a-stop ${i}`));
    expect(stopped[0]).toMatchObject({
      host_id: hostA,
      container_name: `a-stop-${hostA}`,
      stream: 'stdout',
    });
    const summary = summaryOf(lines);
    expect(summary).toMatchObject({ done: true, matches: 20, truncated: false });
    expect(summary.containers_scanned).toBeGreaterThanOrEqual(4);
    expect(summary.bytes_scanned).toBeGreaterThan(0);
    const errs = matchesOf((await search('ann', { q: '^hay b-run', ...mine })).lines);
    expect(errs.map((m) => m.stream)).toEqual(Array(5).fill('stderr'));
  });

  it('reads only between since and until, and filters by host, container and label', async () => {
    const all = matchesOf((await search('ann', { q: '^needle', ...mine })).lines);
    const since = all[5].ts;
    const until = all[12].ts;
    const window = matchesOf(
      (await search('ann', { q: '^needle', since: isoOf(since), until: isoOf(until), ...mine }))
        .lines,
    );
    const expected = all.filter((m) => m.ts >= isoFloor(since) && m.ts <= isoCeil(until));
    expect(window.map((m) => m.line)).toEqual(expected.map((m) => m.line));
    const onB = matchesOf((await search('ann', { q: '^needle', host: hostB })).lines);
    expect(new Set(onB.map((m) => m.host_id))).toEqual(new Set([hostB]));
    expect(onB).toHaveLength(10);
    const one = matchesOf(
      (await search('ann', { q: '^needle', container: `a-stop-${hostA}` })).lines,
    );
    expect(new Set(one.map((m) => m.container_id))).toEqual(new Set([ids.aStop]));
    const labelled = await search('ann', { q: '^needle', label: 'no.such.label' });
    expect(matchesOf(labelled.lines)).toEqual([]);
  });

  it('stops at the limit, says truncated, and the agents stop reading', async () => {
    const { lines } = await search('ann', { q: '^needle', limit: '3', ...mine });
    expect(matchesOf(lines)).toHaveLength(3);
    expect(summaryOf(lines)).toMatchObject({ done: true, matches: 3, truncated: true });
    await waitFor(
      () => agentA.counters().openSearchReads === 0 && agentB.counters().openSearchReads === 0,
      { timeoutMs: 2_000, message: 'the agents closing their reads' },
    );
  });

  it('a scoped user never gets, and no agent reads, a host or container outside the scope', async () => {
    const runsOnB = agentB.counters().searchesRun;
    const found = matchesOf((await search('sam', { q: '^needle', ...mine }, 1)).lines);
    expect(new Set(found.map((m) => m.container_id))).toEqual(new Set([ids.aRun, ids.aStop]));
    // Asking for the other host, or naming its container, finds nothing and asks nobody.
    expect(matchesOf((await search('sam', { q: '^needle', host: hostB })).lines)).toEqual([]);
    expect(
      matchesOf((await search('sam', { q: '^needle', container: ids.bSecret })).lines),
    ).toEqual([]);
    expect(agentB.counters().searchesRun).toBe(runsOnB);
  });

  it('a client that goes away stops the agent reading within a second', async () => {
    // 400,000 matching lines: far more than the windows let the agent send ahead.
    const flood = await mainContainers.create(
      `yes "needle flood line of some length to fill the log quickly" | head -n 400000; echo flood-written; sleep 3600`,
      { name: `flood-${hostA}` },
    );
    await inSnapshot(hostA, flood.id);
    // The whole flood is in Docker's log before the search starts.
    await waitFor(
      async () =>
        (await flood.logs({ stdout: true, stderr: false, tail: 1 }))
          .toString()
          .includes('flood-written'),
      { timeoutMs: 60_000, message: 'the flood written' },
    );
    const abort = new AbortController();
    const res = await fetch(
      `${h.gateways[0].url}/api/search?${new URLSearchParams({ q: 'needle flood', container: flood.id, limit: '10000' }).toString()}`,
      { headers: bearer(tokens.ann), signal: abort.signal },
    );
    expect(res.status).toBe(200);
    // The client reads nothing more; the agent is held by its window with its read open.
    await waitFor(() => agentA.counters().openSearchReads > 0, {
      timeoutMs: 10_000,
      message: 'the agent reading',
    });
    const started = Date.now();
    abort.abort();
    await waitFor(() => agentA.counters().openSearchReads === 0, {
      timeoutMs: 5_000,
      intervalMs: 20,
      message: 'the agent closing its read',
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    await mainContainers.remove(flood.id);
  });

  it('a hostile pattern over long lines finishes quickly (linear-time matching)', async () => {
    const long = await mainContainers.create(
      `for i in 1 2 3 4 5 6 7 8 9 10; do head -c 20000 /dev/zero | tr '\\0' a; echo b; done; sleep 3600`,
      { name: `long-${hostA}` },
    );
    await inSnapshot(hostA, long.id);
    await waitFor(
      async () =>
        matchesOf((await search('ann', { q: 'ab$', container: long.id })).lines).length === 10,
      { timeoutMs: 20_000, message: 'the long lines printed' },
    );
    const started = Date.now();
    const { status, lines } = await search('ann', { q: '(a+)+$', container: long.id });
    const took = Date.now() - started;
    expect(status).toBe(200);
    // No line matches (each ends in "b"): a backtracking engine tries every split of the a's.
    expect(matchesOf(lines)).toEqual([]);
    expect(summaryOf(lines)).toMatchObject({ done: true, matches: 0 });
    expect(summaryOf(lines).bytes_scanned).toBeGreaterThan(200_000);
    expect(took).toBeLessThan(10_000);
    await mainContainers.remove(long.id);
  });

  it('a bad pattern gets a clear 400 and starts nothing', async () => {
    const runs = agentA.counters().searchesRun + agentB.counters().searchesRun;
    for (const q of ['(a)\\1', '(?=x)y', '(unclosed', '']) {
      const res = await fetch(`${h.gateways[0].url}/api/search?q=${encodeURIComponent(q)}`, {
        headers: bearer(tokens.ann),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: string; code: string };
      expect(body.code).toBe('invalid_payload');
      expect(body.error).toMatch(/pattern/);
    }
    expect((await search('ann', { q: 'x', limit: '10001' })).status).toBe(400);
    expect(agentA.counters().searchesRun + agentB.counters().searchesRun).toBe(runs);
  });

  describe('over a socket (search_logs → search_results → search_done, search_cancel)', () => {
    const clients: TestClient[] = [];
    let flood: string;
    let seq = 0;
    const nextId = () => `sock-search-${++seq}-${hostA}`.slice(0, 64);
    const connect = async (user: string, replica: number) => {
      const client = await connectAs(h.gateways[replica].url, bearer(tokens[user]));
      clients.push(client);
      return client;
    };
    /** Runs one search to its end: the ack, every match in the order received, the summary. */
    const socketSearch = async (
      client: TestClient,
      query: Record<string, string | number | undefined>,
    ): Promise<{ ack: SearchLogsAck; matches: SearchMatch[]; done?: SearchDonePayload }> => {
      const searchId = nextId();
      const ack = await client.request('search_logs', {
        ...(query as Omit<SearchLogsPayload, 'search_id'>),
        search_id: searchId,
      });
      if (ack.status !== 'ok') return { ack, matches: [] };
      const done = await client.waitFor('search_done', (d) => d.search_id === searchId, 30_000);
      const matches = client
        .all('search_results')
        .filter((r) => r.search_id === searchId)
        .flatMap((r) => r.matches);
      return { ack, matches, done };
    };
    const openReads = () => agentA.counters().openSearchReads + agentB.counters().openSearchReads;

    beforeAll(async () => {
      // 20,000 lines of 4,000 characters (80 MB): far more than a socket queue or the windows hold.
      const c = await mainContainers.create(
        `yes "$(head -c 4000 /dev/zero | tr '\\0' n)" | head -n 20000; echo flood-written; sleep 3600`,
        { name: `sflood-${hostA}` },
      );
      flood = c.id;
      await inSnapshot(hostA, flood);
      await waitFor(
        async () =>
          (await c.logs({ stdout: true, stderr: false, tail: 1 }))
            .toString()
            .includes('flood-written'),
        { timeoutMs: 60_000, message: 'the flood written' },
      );
    }, 90_000);

    afterEach(() => {
      for (const client of clients.splice(0)) client.close();
    });

    afterAll(async () => {
      if (flood) await mainContainers.remove(flood);
    });

    it('streams the matches of both hosts in time order, with progress, then the summary', async () => {
      const client = await connect('ann', 1);
      const { ack, matches, done } = await socketSearch(client, {
        q: 'needle (a|b)-(run|stop|secret) [0-9]',
        ...mine,
      });
      expect(ack).toMatchObject({ status: 'ok' });
      expect(matches).toHaveLength(20);
      const ts = matches.map((m) => m.ts);
      expect([...ts].sort()).toEqual(ts);
      expect(new Set(matches.map((m) => m.host_id))).toEqual(new Set([hostA, hostB]));
      expect(done).toMatchObject({ done: true, matches: 20, truncated: false });
      expect(done?.containers_scanned).toBeGreaterThanOrEqual(4);
      expect(done?.bytes_scanned).toBeGreaterThan(0);
      expect(done?.cancelled).toBeUndefined();
      const results: SearchResultsPayload[] = client.all('search_results');
      expect(results.every((r) => r.containers_scanned >= 0 && r.bytes_scanned >= 0)).toBe(true);
    });

    it('a scoped user gets, and the agents read, only what the scope allows', async () => {
      const runsOnB = agentB.counters().searchesRun;
      const client = await connect('sam', 0);
      const { matches, done } = await socketSearch(client, { q: '^needle', ...mine });
      expect(new Set(matches.map((m) => m.container_id))).toEqual(new Set([ids.aRun, ids.aStop]));
      expect(done).toMatchObject({ matches: 10 });
      const named = await socketSearch(client, { q: '^needle', container: ids.bSecret });
      expect(named.matches).toEqual([]);
      const other = await socketSearch(client, { q: '^needle', host: hostB });
      expect(other.matches).toEqual([]);
      expect(agentB.counters().searchesRun).toBe(runsOnB);
    });

    it('a bad pattern gets a clear error ack and event, and starts nothing', async () => {
      const runs = agentA.counters().searchesRun + agentB.counters().searchesRun;
      const client = await connect('ann', 0);
      for (const q of ['(a)\\1', '(unclosed', '']) {
        const { ack } = await socketSearch(client, { q });
        expect(ack).toMatchObject({ status: 'error', code: 'invalid_payload' });
        expect(ack.status === 'error' && ack.error).toMatch(/pattern/);
      }
      const { ack } = await socketSearch(client, { q: 'x', limit: 10_001 });
      expect(ack).toMatchObject({ status: 'error', code: 'invalid_payload' });
      expect(client.all('error').filter((e) => e.code === 'invalid_payload')).toHaveLength(4);
      expect(client.all('search_done')).toEqual([]);
      expect(agentA.counters().searchesRun + agentB.counters().searchesRun).toBe(runs);
    });

    it('a socket that stops reading holds the search back, and search_cancel stops the agent within a second', async () => {
      const client = await connect('ann', 0);
      const searchId = nextId();
      const ack = await client.request('search_logs', {
        q: '^nnnn',
        container: flood,
        limit: 10_000,
        search_id: searchId,
      });
      expect(ack).toMatchObject({ status: 'ok', search_id: searchId });
      const resume = stopReading(client);
      // The gateway waits for the socket to drain (without that, it would queue the whole
      // search for it, and cut it off at the hard cap); the agent is held by its window.
      await waitFor(() => h.gateways[0].inspect().drainWaiters > 0, {
        timeoutMs: 20_000,
        message: 'the search waiting for the socket',
      });
      expect(agentA.counters().openSearchReads).toBeGreaterThan(0);
      const started = Date.now();
      client.socket.emit('search_cancel', { search_id: searchId });
      await waitFor(() => openReads() === 0, {
        timeoutMs: 5_000,
        intervalMs: 20,
        message: 'the agent closing its read',
      });
      expect(Date.now() - started).toBeLessThan(1_000);
      resume();
      const done = await client.waitFor('search_done', (d) => d.search_id === searchId, 20_000);
      expect(done).toMatchObject({ cancelled: true });
      const received = client
        .all('search_results')
        .filter((r) => r.search_id === searchId)
        .flatMap((r) => r.matches);
      // Far fewer than the 10,000 (40 MB) the search would have sent to a reading client.
      expect(received.length).toBe(done.matches);
      expect(received.length).toBeLessThan(5_000);
      expect(client.socket.connected).toBe(true);
    });

    it('a socket that goes away stops the agent reading within a second', async () => {
      const client = await connect('ann', 1);
      const ack = await client.request('search_logs', {
        q: '^nnnn',
        container: flood,
        limit: 10_000,
        search_id: nextId(),
      });
      expect(ack).toMatchObject({ status: 'ok' });
      const resume = stopReading(client);
      await waitFor(() => h.gateways[1].inspect().drainWaiters > 0, {
        timeoutMs: 20_000,
        message: 'the search waiting for the socket',
      });
      expect(agentA.counters().openSearchReads).toBeGreaterThan(0);
      const started = Date.now();
      client.close();
      await waitFor(() => openReads() === 0, {
        timeoutMs: 5_000,
        intervalMs: 20,
        message: 'the agent closing its read',
      });
      expect(Date.now() - started).toBeLessThan(1_000);
      // Lets the client's websocket finish closing (it reads the server's close frame).
      resume();
    });

    it('runs at most a few searches per socket at once, and cancels them all', async () => {
      const client = await connect('ann', 0);
      const acks = await Promise.all(
        [1, 2, 3, 4].map(() =>
          client.request('search_logs', {
            q: '^nnnn',
            container: flood,
            limit: 10_000,
            search_id: nextId(),
          }),
        ),
      );
      expect(acks.map((a) => a.status)).toEqual(['ok', 'ok', 'ok', 'error']);
      expect(acks[3]).toMatchObject({ code: 'rate_limited' });
      expect(await client.request('search_cancel', {})).toEqual({ status: 'ok' });
      await waitFor(() => client.all('search_done').length === 3, {
        timeoutMs: 10_000,
        message: 'three searches ended',
      });
      expect(client.all('search_done').every((d) => d.cancelled === true)).toBe(true);
      await waitFor(() => openReads() === 0, { timeoutMs: 5_000, message: 'reads closed' });
      // Its slots are free again.
      const again = await socketSearch(client, { q: '^needle a-run', ...mine });
      expect(again.matches).toHaveLength(5);
    });
  });
});

/** A search timestamp (nine fraction digits) as an ISO time with milliseconds (floor). */
function isoOf(ts: string): string {
  return `${ts.slice(0, 23)}Z`;
}
function isoFloor(ts: string): string {
  return `${ts.slice(0, 23)}000000Z`;
}
function isoCeil(ts: string): string {
  return `${ts.slice(0, 23)}999999Z`;
}

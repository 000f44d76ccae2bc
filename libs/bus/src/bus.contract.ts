/// <reference types="jest" />
/**
 * The behaviour both buses promise, as one suite: `busContract(label, factory)` registers it for
 * a bus implementation (see memory-bus.spec.ts and redis-bus.int-spec.ts).
 */
import { RedisKeys, type FleetEvent } from '@flotilla/contracts';
import { waitFor as waitForSlowly, type WaitForOptions } from '@flotilla/testing';
import { decodeCommandRequest, decodeFleetEvent, type RawStreamEntry } from './codecs';
import { LogSequenceError } from './common/errors';
import { compareStreamIds } from './common/stream-ids';
import type { BusLogger } from './common/logger';
import type { Bus, StreamFollower } from './ports';
import {
  containerId,
  logLines,
  replyTo,
  sampleContainer,
  sampleHost,
  sampleRequest,
  sampleStats,
} from './test-support/samples';

/** Writes behind the bus's back, to plant what a buggy or hostile writer could leave. */
export interface RawAccess {
  set(key: string, value: string): Promise<void>;
  hset(key: string, field: string, value: string): Promise<void>;
  xadd(key: string, id: string, fields: Record<string, string>): Promise<string>;
}

export interface ContractFixture {
  bus: Bus;
  raw: RawAccess;
  close(): Promise<void>;
}

export interface ContractOptions {
  logger: BusLogger;
  heartbeatTtlMs: number;
}

export type ContractFactory = (options: ContractOptions) => Promise<ContractFixture>;

const HEARTBEAT_TTL_MS = 500;

/** Polls often: the awaited deliveries take a few milliseconds. */
function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  return waitForSlowly(predicate, { intervalMs: 5, ...options });
}

class CapturingLogger implements BusLogger {
  readonly messages: string[] = [];
  warn(message: string): void {
    this.messages.push(message);
  }
  error(message: string): void {
    this.messages.push(message);
  }
  log(): void {
    // Recoveries are not asserted on.
  }
  mentions(text: string): boolean {
    return this.messages.some((m) => m.includes(text));
  }
}

function containerEvent(hostId: string, n: number, revision: number): FleetEvent {
  return { v: 1, type: 'container', container: sampleContainer(hostId, n, { revision }) };
}

/** Collects what a follower delivers, per key, in delivery order. */
function collector(): {
  onEntries: (key: string, entries: RawStreamEntry[]) => void;
  ids: (key: string) => string[];
} {
  const seen = new Map<string, string[]>();
  return {
    onEntries: (key, entries) => {
      const list = seen.get(key) ?? [];
      list.push(...entries.map((e) => e.id));
      seen.set(key, list);
    },
    ids: (key) => seen.get(key) ?? [],
  };
}

export function busContract(label: string, factory: ContractFactory): void {
  describe(`${label}: bus contract`, () => {
    const logger = new CapturingLogger();
    let fixture: ContractFixture;
    let bus: Bus;
    const run = Math.random().toString(36).slice(2, 8);
    let hosts = 0;
    /** A host id of its own per test, so tests never see each other's keys. */
    const newHost = (): string => `h-${run}-${++hosts}`;
    const followers: StreamFollower[] = [];
    const follow = (
      onEntries: (key: string, entries: RawStreamEntry[]) => void,
    ): StreamFollower => {
      const follower = bus.follower(onEntries);
      followers.push(follower);
      return follower;
    };

    beforeAll(async () => {
      fixture = await factory({ logger, heartbeatTtlMs: HEARTBEAT_TTL_MS });
      bus = fixture.bus;
    });
    afterEach(async () => {
      await Promise.all(followers.splice(0).map((f) => f.close()));
    });
    afterAll(async () => {
      await fixture.close();
    });

    it('answers ping', async () => {
      await expect(bus.ping()).resolves.toBeUndefined();
    });

    describe('hosts', () => {
      it('lists announced hosts, online while their heartbeat lives', async () => {
        const [a, b] = [newHost(), newHost()];
        await bus.hosts.announce(sampleHost(a));
        await bus.hosts.announce(sampleHost(b));
        await bus.hosts.beat(a);
        const listed = await bus.hosts.list();
        const byId = new Map(listed.map((h) => [h.host_id, h]));
        expect(byId.get(a)).toMatchObject({ host_id: a, online: true, agent_version: '0.1.0' });
        expect(Date.parse(byId.get(a)?.last_seen ?? '')).not.toBeNaN();
        expect(byId.get(b)).toMatchObject({ online: false, last_seen: null });
        expect(await bus.hosts.get(a)).toEqual(byId.get(a));
        expect(await bus.hosts.get(newHost())).toBeNull();
      });

      it('shows a host offline once its heartbeat expires', async () => {
        const host = newHost();
        await bus.hosts.announce(sampleHost(host));
        await bus.hosts.beat(host);
        expect((await bus.hosts.get(host))?.online).toBe(true);
        await waitFor(async () => (await bus.hosts.get(host))?.online === false, {
          timeoutMs: HEARTBEAT_TTL_MS * 4,
          message: 'heartbeat expiry',
        });
      });

      it('marks a host offline at once and says so on its event stream', async () => {
        const host = newHost();
        const info = sampleHost(host);
        await bus.hosts.announce(info);
        await bus.hosts.beat(host);
        await bus.hosts.markOffline(info);
        expect(await bus.hosts.get(host)).toMatchObject({ online: false, last_seen: null });
        const events = await bus.events.range(host, '0-0', 10);
        expect(events.map((e) => e.value)).toEqual([
          { v: 1, type: 'host', host: info, online: false },
        ]);
      });

      it('skips and reports a corrupt host info', async () => {
        const [good, bad] = [newHost(), newHost()];
        await bus.hosts.announce(sampleHost(good));
        await bus.hosts.announce(sampleHost(bad));
        await fixture.raw.set(RedisKeys.hostInfo(bad), '{"host_id":');
        expect(await bus.hosts.get(bad)).toBeNull();
        const ids = (await bus.hosts.list()).map((h) => h.host_id);
        expect(ids).toContain(good);
        expect(ids).not.toContain(bad);
        expect(logger.mentions(RedisKeys.hostInfo(bad))).toBe(true);
      });
    });

    describe('snapshots', () => {
      it('replaces a snapshot wholly, upserts and reads single containers', async () => {
        const host = newHost();
        await bus.snapshots.replace(host, [sampleContainer(host, 1), sampleContainer(host, 2)]);
        await bus.snapshots.replace(host, [
          sampleContainer(host, 2, { revision: 2 }),
          sampleContainer(host, 3),
        ]);
        const ids = (await bus.snapshots.list(host)).map((c) => c.container_id).sort();
        expect(ids).toEqual([containerId(2), containerId(3)]);
        expect((await bus.snapshots.get(host, containerId(2)))?.revision).toBe(2);
        expect(await bus.snapshots.get(host, containerId(1))).toBeNull();

        await bus.snapshots.upsert(sampleContainer(host, 3, { state: 'exited', revision: 5 }));
        expect(await bus.snapshots.get(host, containerId(3))).toMatchObject({
          state: 'exited',
          revision: 5,
        });
        await bus.snapshots.replace(host, []);
        expect(await bus.snapshots.list(host)).toEqual([]);
      });

      it('skips and reports a corrupt container', async () => {
        const host = newHost();
        await bus.snapshots.replace(host, [sampleContainer(host, 1)]);
        await fixture.raw.hset(RedisKeys.snapshot(host), containerId(2), '{"state":"zombie"}');
        expect((await bus.snapshots.list(host)).map((c) => c.container_id)).toEqual([
          containerId(1),
        ]);
        expect(await bus.snapshots.get(host, containerId(2))).toBeNull();
        expect(logger.mentions(RedisKeys.snapshot(host))).toBe(true);
      });
    });

    describe('events', () => {
      it('appends with increasing ids and ranges after an exclusive id', async () => {
        const host = newHost();
        const ids: string[] = [];
        for (let i = 1; i <= 5; i++)
          ids.push(await bus.events.append(host, containerEvent(host, 1, i)));
        expect([...ids].sort(compareStreamIds)).toEqual(ids);
        expect(new Set(ids).size).toBe(5);

        const all = await bus.events.range(host, '0-0', 100);
        expect(all.map((e) => e.id)).toEqual(ids);
        const after = await bus.events.range(host, ids[1], 2);
        expect(after.map((e) => e.id)).toEqual([ids[2], ids[3]]);
        expect(after[0].value).toEqual(containerEvent(host, 1, 3));
        expect(await bus.events.range(host, ids[4], 10)).toEqual([]);
      });

      it('pairs the snapshot with the position of the newest event', async () => {
        const host = newHost();
        expect(await bus.events.snapshotAt(host)).toEqual({ containers: [], position: '0-0' });
        await bus.snapshots.replace(host, [sampleContainer(host, 1)]);
        await bus.events.append(host, containerEvent(host, 1, 1));
        const last = await bus.events.append(host, containerEvent(host, 1, 2));
        const at = await bus.events.snapshotAt(host);
        expect(at.position).toBe(last);
        expect(at.containers.map((c) => c.container_id)).toEqual([containerId(1)]);
      });

      it('skips and reports a corrupt event', async () => {
        const host = newHost();
        const first = await bus.events.append(host, containerEvent(host, 1, 1));
        const bad = await fixture.raw.xadd(RedisKeys.events(host), '*', {
          d: '{"v":1,"type":"nope"}',
        });
        const last = await bus.events.append(host, containerEvent(host, 1, 2));
        expect((await bus.events.range(host, '0-0', 10)).map((e) => e.id)).toEqual([first, last]);
        expect(logger.mentions(bad)).toBe(true);
      });
    });

    describe('logs', () => {
      const cid = containerId(7);

      it('stores a batch as entry <seq of its last line>-0 with its lines and stderr indexes', async () => {
        const host = newHost();
        const entry = await bus.logs.append(host, cid, 1, {
          lines: ['T1 one', 'T2 two', 'T3 three'],
          stderr: [1],
          lastTimestamp: 'T3',
        });
        const expected = {
          id: '3-0',
          seq: 3,
          n: 3,
          text: 'T1 one\nT2 two\nT3 three\n',
          stderr: [1],
          lastTimestamp: 'T3',
        };
        expect(entry).toEqual(expected);
        expect(await bus.logs.last(host, cid)).toEqual(expected);
        expect(await bus.logs.first(host, cid)).toEqual(expected);
        const next = await bus.logs.append(host, cid, 4, {
          lines: ['T4 four'],
          stderr: [],
          lastTimestamp: 'T4',
        });
        expect(next).toMatchObject({ id: '4-0', seq: 4, n: 1, stderr: [] });
        expect((await bus.logs.first(host, cid))?.id).toBe('3-0');
        expect((await bus.logs.last(host, cid))?.id).toBe('4-0');
      });

      it('has no first or last entry before the first append', async () => {
        const host = newHost();
        expect(await bus.logs.first(host, cid)).toBeNull();
        expect(await bus.logs.last(host, cid)).toBeNull();
        expect(await bus.logs.tail(host, cid, 10)).toEqual([]);
      });

      it('refuses a batch whose id is not above the newest, naming the newest id', async () => {
        const host = newHost();
        await bus.logs.append(host, cid, 1, {
          lines: logLines(1, 5),
          stderr: [],
          lastTimestamp: 't',
        });
        const same = bus.logs.append(host, cid, 1, {
          lines: logLines(1, 5),
          stderr: [],
          lastTimestamp: 't',
        });
        await expect(same).rejects.toBeInstanceOf(LogSequenceError);
        await expect(same).rejects.toMatchObject({ id: '5-0', lastId: '5-0' });
        const older = bus.logs.append(host, cid, 2, {
          lines: logLines(2, 2),
          stderr: [],
          lastTimestamp: 't',
        });
        await expect(older).rejects.toThrow(/not above the newest entry 5-0/);
        expect((await bus.logs.range(host, cid, '0-0', 10)).map((e) => e.id)).toEqual(['5-0']);
      });

      it('refuses batches readers could not decode', async () => {
        const host = newHost();
        const noLines = bus.logs.append(host, cid, 1, {
          lines: [],
          stderr: [],
          lastTimestamp: 't',
        });
        await expect(noLines).rejects.toThrow(/at least one line/);
        const newline = bus.logs.append(host, cid, 1, {
          lines: ['a\nb'],
          stderr: [],
          lastTimestamp: 't',
        });
        await expect(newline).rejects.toThrow(/must not contain/);
        const badIndex = bus.logs.append(host, cid, 1, {
          lines: ['a'],
          stderr: [1],
          lastTimestamp: 't',
        });
        await expect(badIndex).rejects.toThrow(/stderr/);
        expect(await bus.logs.last(host, cid)).toBeNull();
      });

      it('ranges after an exclusive id, at most count entries', async () => {
        const host = newHost();
        for (let seq = 1; seq <= 10; seq += 2) {
          await bus.logs.append(host, cid, seq, {
            lines: logLines(seq, 2),
            stderr: [],
            lastTimestamp: 't',
          });
        }
        expect((await bus.logs.range(host, cid, '0-0', 100)).map((e) => e.id)).toEqual([
          '2-0',
          '4-0',
          '6-0',
          '8-0',
          '10-0',
        ]);
        expect((await bus.logs.range(host, cid, '4-0', 2)).map((e) => e.id)).toEqual([
          '6-0',
          '8-0',
        ]);
        // A cursor between entries (a client that saw line 5 of batch 6-0) resumes at that batch.
        expect((await bus.logs.range(host, cid, '5-0', 1)).map((e) => e.id)).toEqual(['6-0']);
        expect(await bus.logs.range(host, cid, '10-0', 5)).toEqual([]);
      });

      it('tails the newest entries covering at least the asked lines', async () => {
        const host = newHost();
        for (let seq = 1; seq <= 15; seq += 3) {
          await bus.logs.append(host, cid, seq, {
            lines: logLines(seq, 3),
            stderr: [0],
            lastTimestamp: 't',
          });
        }
        const ids = async (lines: number): Promise<string[]> =>
          (await bus.logs.tail(host, cid, lines)).map((e) => e.id);
        expect(await ids(4)).toEqual(['12-0', '15-0']);
        expect(await ids(3)).toEqual(['15-0']);
        expect(await ids(6)).toEqual(['12-0', '15-0']);
        expect(await ids(100)).toEqual(['3-0', '6-0', '9-0', '12-0', '15-0']);
        expect(await ids(0)).toEqual([]);
      });

      it('tails across many entries', async () => {
        const host = newHost();
        await Promise.all(
          Array.from({ length: 250 }, (_, i) =>
            bus.logs.append(host, cid, i + 1, {
              lines: logLines(i + 1, 1),
              stderr: [],
              lastTimestamp: 't',
            }),
          ),
        );
        const tail = await bus.logs.tail(host, cid, 230);
        expect(tail).toHaveLength(230);
        expect(tail[0].id).toBe('21-0');
        expect(tail[229].id).toBe('250-0');
      });

      it('skips and reports a corrupt batch', async () => {
        const host = newHost();
        const key = RedisKeys.logs(host, cid);
        await bus.logs.append(host, cid, 1, { lines: ['a'], stderr: [], lastTimestamp: 't' });
        await fixture.raw.xadd(key, '3-0', { l: 'b\n', n: '2', e: '', t: 't' });
        await bus.logs.append(host, cid, 4, { lines: ['d'], stderr: [], lastTimestamp: 't' });
        expect((await bus.logs.range(host, cid, '0-0', 10)).map((e) => e.id)).toEqual([
          '1-0',
          '4-0',
        ]);
        expect((await bus.logs.tail(host, cid, 2)).map((e) => e.id)).toEqual(['1-0', '4-0']);
        expect(logger.mentions(`3-0 of ${key}`)).toBe(true);
      });
    });

    describe('stats', () => {
      it('returns the newest samples oldest first, and caps the stream', async () => {
        const host = newHost();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push(await bus.stats.append(sampleStats(host, 3, i)));
        const latest = await bus.stats.latest(host, containerId(3), 3);
        expect(latest.map((s) => s.id)).toEqual(ids.slice(2));
        expect(latest.map((s) => s.value.cpu_percent)).toEqual([2, 3, 4]);
        expect(await bus.stats.latest(host, containerId(4), 3)).toEqual([]);
      });

      it('keeps about STREAM_CAPS.statsEntries samples', async () => {
        const host = newHost();
        await Promise.all(
          Array.from({ length: 420 }, (_, i) => bus.stats.append(sampleStats(host, 3, i))),
        );
        const kept = await bus.stats.latest(host, containerId(3), 1_000);
        expect(kept.length).toBeGreaterThanOrEqual(300);
        expect(kept.length).toBeLessThan(420);
        expect(kept[kept.length - 1].value.cpu_percent).toBe(419);
      });
    });

    describe('leases', () => {
      it('reports each leased container once, until every holder released it', async () => {
        const host = newHost();
        await bus.leases.acquire('logs', host, containerId(1), 'gw-a', 10_000);
        await bus.leases.acquire('logs', host, containerId(1), 'gw-b', 10_000);
        await bus.leases.acquire('logs', host, containerId(2), 'gw-a', 10_000);
        expect((await bus.leases.active('logs', host)).sort()).toEqual([
          containerId(1),
          containerId(2),
        ]);
        expect(await bus.leases.active('stats', host)).toEqual([]);
        await bus.leases.release('logs', host, containerId(1), 'gw-a');
        expect((await bus.leases.active('logs', host)).sort()).toEqual([
          containerId(1),
          containerId(2),
        ]);
        await bus.leases.release('logs', host, containerId(1), 'gw-b');
        expect(await bus.leases.active('logs', host)).toEqual([containerId(2)]);
      });

      it('lets a lease expire unless renewed', async () => {
        const host = newHost();
        await bus.leases.acquire('stats', host, containerId(1), 'gw-a', 100);
        await bus.leases.acquire('stats', host, containerId(2), 'gw-a', 10_000);
        expect((await bus.leases.active('stats', host)).sort()).toEqual([
          containerId(1),
          containerId(2),
        ]);
        await waitFor(async () => (await bus.leases.active('stats', host)).length === 1, {
          timeoutMs: 2_000,
          message: 'lease expiry',
        });
        expect(await bus.leases.active('stats', host)).toEqual([containerId(2)]);
      });

      it('wakes the host subscribers when a lease is acquired, until they stop', async () => {
        const host = newHost();
        let stoppedCalls = 0;
        const stop = await bus.leases.onWake(host, () => stoppedCalls++);
        let woken!: () => void;
        const wake = new Promise<void>((resolve) => (woken = resolve));
        const stopOther = await bus.leases.onWake(host, () => woken());
        await stop();
        await bus.leases.acquire('logs', host, containerId(1), 'gw-a', 10_000);
        await wake;
        expect(stoppedCalls).toBe(0);
        await stopOther();
      });
    });

    describe('commands', () => {
      /** An agent stand-in: answers each request it reads with `answer`. */
      const agent = (host: string, answer: (id: string) => Promise<void>): void => {
        const follower = follow((_key, entries) => {
          for (const entry of entries) {
            const request = decodeCommandRequest(entry.value);
            if (request.ok) void answer(request.value.request_id);
          }
        });
        follower.follow(RedisKeys.commands(host), '0-0');
      };

      it('delivers a request to the agent and its reply to the waiter', async () => {
        const host = newHost();
        const request = sampleRequest(host);
        const answer = replyTo(request, { unchanged: true });
        agent(host, async (id) => {
          if (id !== request.request_id) return;
          await bus.commands.reply(replyTo(sampleRequest(host)));
          await bus.commands.reply(answer);
        });
        const position = await bus.commands.send(request);
        expect(position).toBe('0-0');
        expect(await bus.commands.awaitReply(host, request.request_id, 3_000, position)).toEqual(
          answer,
        );
      });

      it('returns null when no reply comes in time', async () => {
        const host = newHost();
        const request = sampleRequest(host);
        const position = await bus.commands.send(request);
        expect(await bus.commands.awaitReply(host, request.request_id, 100, position)).toBeNull();
      });

      it('finds a reply written before the wait began', async () => {
        const host = newHost();
        const early = sampleRequest(host);
        await bus.commands.reply(replyTo(sampleRequest(host)));
        const position = await bus.commands.send(early);
        expect(position).not.toBe('0-0');
        await bus.commands.reply(replyTo(early));
        expect(
          await bus.commands.awaitReply(host, early.request_id, 3_000, position),
        ).toMatchObject({
          request_id: early.request_id,
        });
        // Without a position, every retained reply is searched.
        expect(await bus.commands.awaitReply(host, early.request_id, 3_000)).toMatchObject({
          request_id: early.request_id,
        });
      });

      it('serves concurrent waits, including one that starts after the follower passed its reply', async () => {
        const host = newHost();
        const [keeper, first, second] = [
          sampleRequest(host),
          sampleRequest(host),
          sampleRequest(host),
        ];
        // A wait answered last keeps the host's reply stream followed throughout.
        const keeperReply = bus.commands.awaitReply(
          host,
          keeper.request_id,
          3_000,
          await bus.commands.send(keeper),
        );
        const firstReply = bus.commands.awaitReply(
          host,
          first.request_id,
          3_000,
          await bus.commands.send(first),
        );
        const secondPosition = await bus.commands.send(second);
        await bus.commands.reply(replyTo(second));
        await bus.commands.reply(replyTo(first));
        expect((await firstReply)?.request_id).toBe(first.request_id);
        // The follower has passed the reply to `second` before anyone waited on it.
        const secondReply = await bus.commands.awaitReply(
          host,
          second.request_id,
          3_000,
          secondPosition,
        );
        expect(secondReply?.request_id).toBe(second.request_id);
        await bus.commands.reply(replyTo(keeper));
        expect((await keeperReply)?.request_id).toBe(keeper.request_id);
      });

      it('skips and reports a corrupt reply', async () => {
        const host = newHost();
        const request = sampleRequest(host);
        const position = await bus.commands.send(request);
        const waiting = bus.commands.awaitReply(host, request.request_id, 3_000, position);
        const bad = await fixture.raw.xadd(RedisKeys.replies(host), '*', { d: 'not json' });
        await bus.commands.reply(replyTo(request));
        expect((await waiting)?.request_id).toBe(request.request_id);
        expect(logger.mentions(bad)).toBe(true);
      });
    });

    describe('follower', () => {
      it('delivers many appends in order, each once', async () => {
        const host = newHost();
        const key = RedisKeys.events(host);
        const seen = collector();
        follow(seen.onEntries).follow(key, '0-0');
        const ids = await Promise.all(
          Array.from({ length: 600 }, (_, i) =>
            bus.events.append(host, containerEvent(host, 1, i + 1)),
          ),
        );
        await waitFor(() => seen.ids(key).length >= ids.length, { message: 'every entry' });
        expect(seen.ids(key)).toEqual(ids);
      });

      it('delivers decodable raw field maps', async () => {
        const host = newHost();
        const key = RedisKeys.events(host);
        const values: FleetEvent[] = [];
        follow((_k, entries) => {
          for (const e of entries) {
            const parsed = decodeFleetEvent(e.value);
            if (parsed.ok) values.push(parsed.value);
          }
        }).follow(key, '0-0');
        await bus.events.append(host, containerEvent(host, 1, 1));
        await waitFor(() => values.length === 1);
        expect(values[0]).toEqual(containerEvent(host, 1, 1));
      });

      it('picks up a stream followed while it waits on others', async () => {
        const [quiet, busy] = [newHost(), newHost()];
        const seen = collector();
        const follower = follow(seen.onEntries);
        follower.follow(RedisKeys.events(quiet), '0-0');
        const first = await bus.events.append(quiet, containerEvent(quiet, 1, 1));
        await waitFor(() => seen.ids(RedisKeys.events(quiet)).length === 1);
        // The follower is now blocked on `quiet` alone; `busy` must be served without waiting for the block to time out.
        follower.follow(RedisKeys.events(busy), '0-0');
        const id = await bus.events.append(busy, containerEvent(busy, 1, 1));
        await waitFor(() => seen.ids(RedisKeys.events(busy)).length === 1, { timeoutMs: 1_500 });
        expect(seen.ids(RedisKeys.events(busy))).toEqual([id]);
        expect(seen.ids(RedisKeys.events(quiet))).toEqual([first]);
      });

      it('stops delivering an unfollowed stream, and re-reads from a moved cursor', async () => {
        const [a, b] = [newHost(), newHost()];
        const [keyA, keyB] = [RedisKeys.events(a), RedisKeys.events(b)];
        const seen = collector();
        const follower = follow(seen.onEntries);
        follower.follow(keyA, '0-0');
        follower.follow(keyB, '0-0');
        const a1 = await bus.events.append(a, containerEvent(a, 1, 1));
        await waitFor(() => seen.ids(keyA).length === 1);
        follower.unfollow(keyA);
        await bus.events.append(a, containerEvent(a, 1, 2));
        const b1 = await bus.events.append(b, containerEvent(b, 1, 1));
        await waitFor(() => seen.ids(keyB).length === 1);
        expect(seen.ids(keyA)).toEqual([a1]);

        follower.follow(keyB, '0-0');
        await waitFor(() => seen.ids(keyB).length === 2);
        expect(seen.ids(keyB)).toEqual([b1, b1]);
      });

      it('never delivers inside the append call, and survives a throwing handler', async () => {
        const host = newHost();
        const key = RedisKeys.events(host);
        const seen: string[] = [];
        let throwNext = true;
        follow((_k, entries) => {
          seen.push(...entries.map((e) => e.id));
          if (throwNext) {
            throwNext = false;
            throw new Error('handler bug');
          }
        }).follow(key, '0-0');
        const appending = bus.events.append(host, containerEvent(host, 1, 1));
        expect(seen).toEqual([]);
        const first = await appending;
        await waitFor(() => seen.length === 1);
        const second = await bus.events.append(host, containerEvent(host, 1, 2));
        await waitFor(() => seen.length === 2);
        expect(seen).toEqual([first, second]);
        expect(logger.mentions('handler bug')).toBe(true);
      });

      it('closes promptly while blocked', async () => {
        const host = newHost();
        const seen = collector();
        const follower = bus.follower(seen.onEntries);
        follower.follow(RedisKeys.events(host), '0-0');
        await bus.events.append(host, containerEvent(host, 1, 1));
        // Delivered, so the follower is back to waiting for more.
        await waitFor(() => seen.ids(RedisKeys.events(host)).length === 1);
        const started = Date.now();
        await follower.close();
        expect(Date.now() - started).toBeLessThan(500);
      });
    });
  });
}

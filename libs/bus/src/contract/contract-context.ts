/// <reference types="jest" />
import type { FleetEvent } from '@flotilla/contracts';
import { waitFor as waitForSlowly, type WaitForOptions } from '@flotilla/testing';
import type Redis from 'ioredis';
import type { RawStreamEntry } from '../codecs';
import type { BusLogger } from '../common/logger';
import type { RetentionBudget } from '../common/retention';
import type { Bus, StreamFollower } from '../ports';
import { sampleContainer } from '../../testing/samples';

/** Writes behind the bus's back, to plant what a buggy or hostile writer could leave. */
export interface RawAccess {
  set(key: string, value: string): Promise<void>;
  hset(key: string, field: string, value: string): Promise<void>;
  xadd(key: string, id: string, fields: Record<string, string>): Promise<string>;
  publish(channel: string): Promise<void>;
}

/** RawAccess through a plain ioredis client (one server or a Cluster: the same commands). */
export function rawAccess(client: Pick<Redis, 'set' | 'hset' | 'xadd' | 'publish'>): RawAccess {
  return {
    set: async (key, value) => void (await client.set(key, value)),
    hset: async (key, field, value) => void (await client.hset(key, field, value)),
    xadd: async (key, id, fields) => {
      const added = await client.xadd(key, id, ...Object.entries(fields).flat());
      if (added === null) throw new Error('XADD returned no id');
      return added;
    },
    publish: async (channel) => void (await client.publish(channel, '')),
  };
}

export interface ContractFixture {
  bus: Bus;
  raw: RawAccess;
  close(): Promise<void>;
}

export interface ContractOptions {
  logger: BusLogger;
  heartbeatTtlMs: number;
  retention: RetentionBudget;
}

export type ContractFactory = (options: ContractOptions) => Promise<ContractFixture>;

/** What every part of the suite shares; `bus` and `raw` exist once `beforeAll` has run. */
export interface ContractContext {
  readonly bus: Bus;
  readonly raw: RawAccess;
  readonly logger: CapturingLogger;
  /** A host id of its own per test, so tests never see each other's keys. */
  newHost(): string;
  /** A follower closed after the test. */
  follow(onEntries: (key: string, entries: RawStreamEntry[]) => void): StreamFollower;
}

/** Long enough that a loaded machine pausing between a beat and a read does not expire it. */
export const HEARTBEAT_TTL_MS = 2_000;
/** Small byte caps, so the suite can overflow them quickly; above what the other parts write. */
export const TEST_RETENTION: RetentionBudget = {
  containerBytes: 256 * 1024,
  hostBytes: 1024 * 1024,
};

/** Polls often: the awaited deliveries take a few milliseconds. */
export function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<NonNullable<T>> {
  return waitForSlowly(predicate, { intervalMs: 5, ...options });
}

export class CapturingLogger implements BusLogger {
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

export function containerEvent(hostId: string, n: number, revision: number): FleetEvent {
  return { v: 1, type: 'container', container: sampleContainer(hostId, n, { revision }) };
}

/** Collects what a follower delivers, per key, in delivery order. */
export function collector(): {
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

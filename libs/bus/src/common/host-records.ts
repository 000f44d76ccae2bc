import {
  RedisKeys,
  type CommandReply,
  type CommandRequest,
  type Container,
  type ExitRecord,
  type FleetEvent,
  type HostInfo,
  type StatsSample,
} from '@flotilla/contracts';
import {
  decodeCommandReply,
  decodeCommandRequest,
  decodeContainer,
  decodeExitRecord,
  decodeFleetEvent,
  decodeHostInfo,
  decodeLogEntry,
  decodeStatsSample,
  type Decoded,
  type FieldMap,
  type RawStreamEntry,
} from '../codecs';
import type { LogEntry, RecordReader, RecordRejection, StreamEntry } from '../ports';
import { type BusLogger } from './logger';
import { describeError } from '@flotilla/logging';

/** Hosts whose first rejection was logged; past this many the set starts over (bounded memory). */
const MAX_LOGGED_HOSTS = 10_000;

/**
 * The one place a bus decodes what it reads from per-host keys (see `RecordReader`). A hostile
 * agent can write any number of bad records, so each host's first one is logged and the rest are
 * only reported to listeners (the gateway counts them in `/metrics`).
 */
export class HostRecords implements RecordReader {
  private readonly listeners = new Set<(rejection: RecordRejection) => void>();
  private readonly loggedHosts = new Set<string>();

  constructor(private readonly logger: BusLogger) {}

  onRejected(listener: (rejection: RecordRejection) => void): () => void {
    // A wrapper per call, so one function registered twice is removed once per stop.
    const entry = (rejection: RecordRejection): void => listener(rejection);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  events(hostId: string, entries: readonly RawStreamEntry[]): StreamEntry<FleetEvent>[] {
    const key = RedisKeys.events(hostId);
    return this.decodeAll(key, hostId, entries, (f) => decodeFleetEvent(f, { hostId }));
  }

  stats(
    hostId: string,
    containerId: string,
    entries: readonly RawStreamEntry[],
  ): StreamEntry<StatsSample>[] {
    const key = RedisKeys.stats(hostId, containerId);
    return this.decodeAll(key, hostId, entries, (f) =>
      decodeStatsSample(f, { hostId, containerId }),
    );
  }

  commands(hostId: string, entries: readonly RawStreamEntry[]): StreamEntry<CommandRequest>[] {
    const key = RedisKeys.commands(hostId);
    return this.decodeAll(key, hostId, entries, (f) => decodeCommandRequest(f, { hostId }));
  }

  exits(hostId: string, entries: readonly RawStreamEntry[]): StreamEntry<ExitRecord>[] {
    const key = RedisKeys.exits(hostId);
    return this.decodeAll(key, hostId, entries, (f) => decodeExitRecord(f, { hostId }));
  }

  replies(hostId: string, entries: readonly RawStreamEntry[]): StreamEntry<CommandReply>[] {
    const key = RedisKeys.replies(hostId);
    return this.decodeAll(key, hostId, entries, (f) => decodeCommandReply(f, { hostId }));
  }

  /** Log batches carry no host: their key alone says whose they are. */
  logs(hostId: string, containerId: string, entries: readonly RawStreamEntry[]): LogEntry[] {
    const key = RedisKeys.logs(hostId, containerId);
    const out: LogEntry[] = [];
    for (const entry of entries) {
      const parsed = decodeLogEntry(entry.id, entry.value);
      if (parsed.ok) out.push(parsed.value);
      else this.reject({ hostId, key, id: entry.id, reason: 'invalid', error: parsed.error });
    }
    return out;
  }

  /** Snapshot values by container id (the hash field), oldest decoding first. */
  containers(hostId: string, values: Iterable<[string, string]>): Container[] {
    const out: Container[] = [];
    for (const [containerId, text] of values) {
      const container = this.container(hostId, containerId, text);
      if (container) out.push(container);
    }
    return out;
  }

  container(
    hostId: string,
    containerId: string,
    text: string | null | undefined,
  ): Container | null {
    if (text === null || text === undefined) return null;
    const key = RedisKeys.snapshot(hostId);
    return this.value(key, hostId, containerId, decodeContainer(text, { hostId, containerId }));
  }

  hostInfo(hostId: string, text: string | null | undefined): HostInfo | null {
    if (text === null || text === undefined) return null;
    const key = RedisKeys.hostInfo(hostId);
    return this.value(key, hostId, key, decodeHostInfo(text, { hostId }));
  }

  /** Entries of another kind of per-host stream, decoded by `decode` (which checks the origin). */
  decodeStream<T>(
    key: string,
    hostId: string,
    entries: readonly RawStreamEntry[],
    decode: (fields: FieldMap) => Decoded<T>,
  ): StreamEntry<T>[] {
    return this.decodeAll(key, hostId, entries, decode);
  }

  private decodeAll<T>(
    key: string,
    hostId: string,
    entries: readonly RawStreamEntry[],
    decode: (fields: FieldMap) => Decoded<T>,
  ): StreamEntry<T>[] {
    const out: StreamEntry<T>[] = [];
    for (const entry of entries) {
      const value = this.value(key, hostId, entry.id, decode(entry.value));
      if (value !== null) out.push({ id: entry.id, value });
    }
    return out;
  }

  private value<T>(key: string, hostId: string, id: string, decoded: Decoded<T>): T | null {
    if (decoded.ok) return decoded.value;
    this.reject({ hostId, key, id, reason: decoded.reason, error: decoded.error });
    return null;
  }

  private reject(rejection: RecordRejection): void {
    const { hostId, key, id, reason, error } = rejection;
    if (!this.loggedHosts.has(hostId)) {
      if (this.loggedHosts.size >= MAX_LOGGED_HOSTS) this.loggedHosts.clear();
      this.loggedHosts.add(hostId);
      this.logger.warn(
        `skipped ${reason} record ${id} of ${key}: ${error} ` +
          `(further records of host ${hostId} that fail are counted, not logged)`,
      );
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(rejection);
      } catch (failure: unknown) {
        this.logger.error(`a rejected-record listener failed: ${describeError(failure)}`);
      }
    }
  }
}

import {
  commandReplySchema,
  commandRequestSchema,
  FLEET_EVENT_FIELD,
  fleetEventSchema,
  logBatchFieldsSchema,
  logEntryId,
  parseJson,
  parsePayload,
  statsSampleSchema,
  type CommandReply,
  type CommandRequest,
  type FleetEvent,
  type HostInfo,
  type HostStatus,
  type Parsed,
  type StatsSample,
} from '@flotilla/contracts';
import type { z } from 'zod';
import type { BusLogger } from './common/logger';
import type { LogBatch, LogEntry, StreamEntry } from './ports';

/**
 * How values are laid out in Redis: every JSON stream entry (events, stats, commands, replies)
 * keeps its payload in one field, the same field fleet events use; log batches use `l n e t`.
 * Gateways and agents reading raw entries from a `StreamFollower` decode them with these.
 */
export const JSON_FIELD = FLEET_EVENT_FIELD;

export type FieldMap = Record<string, string>;
export type RawStreamEntry = StreamEntry<FieldMap>;

export function encodeJson(value: unknown): FieldMap {
  return { [JSON_FIELD]: JSON.stringify(value) };
}

export function decodeJsonFields<S extends z.ZodType>(
  schema: S,
  fields: FieldMap,
): Parsed<z.infer<S>> {
  const text = fields[JSON_FIELD];
  if (typeof text !== 'string') return { ok: false, error: `field "${JSON_FIELD}" is missing` };
  return parseJson(schema, text);
}

export const decodeFleetEvent = (fields: FieldMap): Parsed<FleetEvent> =>
  decodeJsonFields(fleetEventSchema, fields);
export const decodeStatsSample = (fields: FieldMap): Parsed<StatsSample> =>
  decodeJsonFields(statsSampleSchema, fields);
export const decodeCommandRequest = (fields: FieldMap): Parsed<CommandRequest> =>
  decodeJsonFields(commandRequestSchema, fields);
export const decodeCommandReply = (fields: FieldMap): Parsed<CommandReply> =>
  decodeJsonFields(commandReplySchema, fields);

/**
 * The stream entry of a batch whose first line is number `firstSeq`: its fields, and the entry
 * as readers will see it. Throws on a batch readers could not decode, so none is ever stored.
 */
export function encodeLogBatch(
  firstSeq: number,
  batch: LogBatch,
): { entry: LogEntry; fields: FieldMap } {
  const { lines, stderr, lastTimestamp } = batch;
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 1) {
    throw new Error(`log line numbers start at 1, got ${firstSeq}`);
  }
  if (lines.length === 0) throw new Error('a log batch holds at least one line');
  // A newline inside a line would make the stored count disagree with the text.
  if (lines.some((line) => line.includes('\n')))
    throw new Error('log lines must not contain "\\n"');
  if (stderr.some((i) => !Number.isInteger(i) || i < 0 || i >= lines.length)) {
    throw new Error('stderr indexes must point into the batch');
  }
  const fields = {
    l: `${lines.join('\n')}\n`,
    n: String(lines.length),
    e: stderr.join(','),
    t: lastTimestamp,
  };
  const checked = parsePayload(logBatchFieldsSchema, fields);
  if (!checked.ok) throw new Error(`log batch rejected: ${checked.error}`);
  const seq = firstSeq + lines.length - 1;
  return {
    fields,
    entry: {
      id: logEntryId(seq),
      seq,
      n: lines.length,
      text: fields.l,
      stderr: [...stderr],
      lastTimestamp,
    },
  };
}

export function decodeLogEntry(id: string, fields: FieldMap): Parsed<LogEntry> {
  const parsed = parsePayload(logBatchFieldsSchema, fields);
  if (!parsed.ok) return parsed;
  const match = /^(\d+)-0$/.exec(id);
  if (!match) return { ok: false, error: `log entry id ${id} is not "<seq>-0"` };
  const seq = Number(match[1]);
  const n = Number(parsed.value.n);
  if (seq < n) return { ok: false, error: `log entry ${id} holds more lines than its number` };
  const e = parsed.value.e;
  return {
    ok: true,
    value: {
      id,
      seq,
      n,
      text: parsed.value.l,
      stderr: e === '' ? [] : e.split(',').map(Number),
      lastTimestamp: parsed.value.t,
    },
  };
}

/** Decodes entries, dropping (and reporting) the ones that do not validate. */
export function decodeEntries<T>(
  key: string,
  entries: readonly RawStreamEntry[],
  decode: (fields: FieldMap) => Parsed<T>,
  logger: BusLogger,
): StreamEntry<T>[] {
  const out: StreamEntry<T>[] = [];
  for (const entry of entries) {
    const parsed = decode(entry.value);
    if (parsed.ok) out.push({ id: entry.id, value: parsed.value });
    else logger.warn(`skipped corrupt entry ${entry.id} of ${key}: ${parsed.error}`);
  }
  return out;
}

export function decodeLogEntries(
  key: string,
  entries: readonly RawStreamEntry[],
  logger: BusLogger,
): LogEntry[] {
  const out: LogEntry[] = [];
  for (const entry of entries) {
    const parsed = decodeLogEntry(entry.id, entry.value);
    if (parsed.ok) out.push(parsed.value);
    else logger.warn(`skipped corrupt entry ${entry.id} of ${key}: ${parsed.error}`);
  }
  return out;
}

/** Parses one JSON value read back from Redis; null (and a report) when it does not validate. */
export function decodeJsonValue<S extends z.ZodType>(
  schema: S,
  text: string | null | undefined,
  what: string,
  logger: BusLogger,
): z.infer<S> | null {
  if (text === null || text === undefined) return null;
  const parsed = parseJson(schema, text);
  if (parsed.ok) return parsed.value;
  logger.warn(`skipped corrupt ${what}: ${parsed.error}`);
  return null;
}

/** A host as clients see it: its info, and whether (and when) its heartbeat was last seen. */
export function toHostStatus(info: HostInfo, heartbeat: string | null): HostStatus {
  return { ...info, online: heartbeat !== null, last_seen: heartbeat };
}

/** The event an agent appends when it goes away cleanly. */
export function hostOfflineEvent(info: HostInfo): FleetEvent {
  return { v: 1, type: 'host', host: info, online: false };
}

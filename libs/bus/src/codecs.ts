import {
  commandReplySchema,
  commandRequestSchema,
  exitRecordSchema,
  FLEET_EVENT_FIELD,
  hostInfoSchema,
  logBatchFieldsSchema,
  logEntryId,
  parseContainer,
  parseFleetEvent,
  parsePayload,
  searchRecordSchema,
  searchRequestSchema,
  statsSampleSchema,
  type CommandReply,
  type CommandRequest,
  type Container,
  type ExitRecord,
  type FleetEvent,
  type HostInfo,
  type HostStatus,
  type Parsed,
  type SearchRecord,
  type SearchRequest,
  type StatsSample,
} from '@flotilla/contracts';
import type { LogBatch, LogEntry, RejectionReason, StreamEntry } from './ports';

/**
 * How values are laid out in Redis: every JSON stream entry (events, stats, commands, replies)
 * keeps its payload in one field, the same field fleet events use; log batches use `l n e t`.
 * Every decoder takes the record's origin (the host its key names) and refuses a record naming
 * another; `HostRecords` applies them and reports what they refuse.
 */
export const JSON_FIELD = FLEET_EVENT_FIELD;

export type FieldMap = Record<string, string>;
export type RawStreamEntry = StreamEntry<FieldMap>;

export function encodeJson(value: unknown): FieldMap {
  return { [JSON_FIELD]: JSON.stringify(value) };
}

export type Decoded<T> =
  { ok: true; value: T } | { ok: false; reason: RejectionReason; error: string };

/**
 * The host (and container) named by the key a record was read from. Only the key says who wrote
 * a record (a Redis ACL confines each agent to its own host's keys), so a record that names
 * another host or container is a forgery, whatever else it holds.
 */
export interface RecordOrigin {
  hostId: string;
  containerId?: string;
}

function invalid(error: string): Decoded<never> {
  return { ok: false, reason: 'invalid', error };
}

/** The parsed record if it names its key's host (and container), else why not. */
function fromOrigin<T>(
  parsed: Parsed<T>,
  origin: RecordOrigin,
  named: (value: T) => { hostId: string; containerId?: string },
): Decoded<T> {
  if (!parsed.ok) return invalid(parsed.error);
  const { hostId, containerId } = named(parsed.value);
  if (hostId !== origin.hostId) {
    return { ok: false, reason: 'foreign_host', error: `names host ${hostId}` };
  }
  if (origin.containerId !== undefined && containerId !== origin.containerId) {
    return { ok: false, reason: 'foreign_container', error: `names container ${containerId}` };
  }
  return parsed;
}

function jsonField(fields: FieldMap): Parsed<unknown> {
  const text = fields[JSON_FIELD];
  if (typeof text !== 'string') return { ok: false, error: `field "${JSON_FIELD}" is missing` };
  return parseJsonText(text);
}

function parseJsonText(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: 'not valid JSON' };
  }
}

function then<T>(parsed: Parsed<unknown>, next: (value: unknown) => Parsed<T>): Parsed<T> {
  return parsed.ok ? next(parsed.value) : parsed;
}

export const decodeFleetEvent = (fields: FieldMap, origin: RecordOrigin): Decoded<FleetEvent> =>
  fromOrigin(then(jsonField(fields), parseFleetEvent), origin, (event) =>
    event.type === 'container'
      ? { hostId: event.container.host_id }
      : { hostId: event.host.host_id },
  );
export const decodeStatsSample = (fields: FieldMap, origin: RecordOrigin): Decoded<StatsSample> =>
  fromOrigin(
    then(jsonField(fields), (v) => parsePayload(statsSampleSchema, v)),
    origin,
    (sample) => ({ hostId: sample.host_id, containerId: sample.container_id }),
  );
export const decodeCommandRequest = (
  fields: FieldMap,
  origin: RecordOrigin,
): Decoded<CommandRequest> =>
  fromOrigin(
    then(jsonField(fields), (v) => parsePayload(commandRequestSchema, v)),
    origin,
    (request) => ({ hostId: request.host_id }),
  );
export const decodeCommandReply = (fields: FieldMap, origin: RecordOrigin): Decoded<CommandReply> =>
  fromOrigin(
    then(jsonField(fields), (v) => parsePayload(commandReplySchema, v)),
    origin,
    (reply) => ({ hostId: reply.host_id }),
  );
export const decodeExitRecord = (fields: FieldMap, origin: RecordOrigin): Decoded<ExitRecord> =>
  fromOrigin(
    then(jsonField(fields), (v) => parsePayload(exitRecordSchema, v)),
    origin,
    (record) => ({ hostId: record.host_id }),
  );
/** A snapshot value: its hash field is the container id, so `origin.containerId` is that field. */
export const decodeContainer = (text: string, origin: RecordOrigin): Decoded<Container> =>
  fromOrigin(then(parseJsonText(text), parseContainer), origin, (container) => ({
    hostId: container.host_id,
    containerId: container.container_id,
  }));
export const decodeHostInfo = (text: string, origin: RecordOrigin): Decoded<HostInfo> =>
  fromOrigin(
    then(parseJsonText(text), (v) => parsePayload(hostInfoSchema, v)),
    origin,
    (info) => ({ hostId: info.host_id }),
  );

export const decodeSearchRequest = (
  fields: FieldMap,
  origin: RecordOrigin,
): Decoded<SearchRequest> =>
  fromOrigin(
    then(jsonField(fields), (v) => parsePayload(searchRequestSchema, v)),
    origin,
    (request) => ({ hostId: request.host_id }),
  );
/** A search record names its host and search; both must be its key's. */
export const decodeSearchRecord = (
  fields: FieldMap,
  origin: RecordOrigin & { searchId: string },
): Decoded<SearchRecord> => {
  const decoded = fromOrigin(
    then(jsonField(fields), (v) => parsePayload(searchRecordSchema, v)),
    origin,
    (record) => ({ hostId: record.host_id }),
  );
  if (decoded.ok && decoded.value.search_id !== origin.searchId)
    return invalid(`names search ${decoded.value.search_id}`);
  return decoded;
};

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

/** A host as clients see it: its info, and whether (and when) its heartbeat was last seen. */
export function toHostStatus(info: HostInfo, heartbeat: string | null): HostStatus {
  return { ...info, online: heartbeat !== null, last_seen: heartbeat };
}

/** The event an agent appends when it goes away cleanly. */
export function hostOfflineEvent(info: HostInfo): FleetEvent {
  return { v: 1, type: 'host', host: info, online: false };
}

import { parseJson, presenceRecordSchema, type PresenceRecord } from '@flotilla/contracts';
import type { PresenceTargets, ReplicaPresence } from '../ports';
import type { BusLogger } from './logger';

/** A record expired this long ago belongs to a replica that is gone: whoever lists deletes it. */
export const PRESENCE_STALE_MS = 60_000;

export function encodePresence(targets: PresenceTargets, expiresAt: number): string {
  const record: PresenceRecord = { expires_at: Math.ceil(expiresAt), targets };
  return JSON.stringify(record);
}

/**
 * The live records of a presence hash read at `now` (bus time), and the replicas whose records
 * are stale enough to delete. A value that does not validate is skipped and logged: only
 * gateways write this hash, but what is read from Redis is checked all the same.
 */
export function readPresence(
  fields: Readonly<Record<string, string>>,
  now: number,
  logger: BusLogger,
): { live: ReplicaPresence[]; stale: string[] } {
  const live: ReplicaPresence[] = [];
  const stale: string[] = [];
  for (const [replica, text] of Object.entries(fields)) {
    const parsed = parseJson(presenceRecordSchema, text);
    if (!parsed.ok) {
      logger.warn(`presence record of replica ${replica} dropped: ${parsed.error}`);
      continue;
    }
    if (parsed.value.expires_at > now) live.push({ replica, targets: parsed.value.targets });
    else if (parsed.value.expires_at + PRESENCE_STALE_MS < now) stale.push(replica);
  }
  return { live, stale };
}

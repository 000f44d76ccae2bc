import { parseJson, pinSchema, type Pin } from '@flotilla/contracts';
import type { BusLogger } from './logger';

export function encodePin(pin: Pin): string {
  return JSON.stringify(pin);
}

/**
 * The pins of one container's hash, oldest line first (then oldest pin). Only gateways write the
 * hash, but what Redis holds is checked all the same: a value that does not validate, or that
 * names another host, container or id than where it is stored, is skipped and logged.
 */
export function readPins(
  hostId: string,
  containerId: string,
  fields: Readonly<Record<string, string>>,
  logger: BusLogger,
): Pin[] {
  const pins: Pin[] = [];
  for (const [id, text] of Object.entries(fields)) {
    const parsed = parseJson(pinSchema, text);
    const pin = parsed.ok ? parsed.value : null;
    if (!pin || pin.id !== id || pin.host_id !== hostId || pin.container_id !== containerId) {
      logger.warn(
        `pin ${id.slice(0, 64)} of ${hostId}/${containerId.slice(0, 12)} dropped: ${parsed.ok ? 'stored under another key' : parsed.error}`,
      );
      continue;
    }
    pins.push(pin);
  }
  return pins.sort(
    (a, b) => compare(a.ts, b.ts) || compare(a.created_at, b.created_at) || compare(a.id, b.id),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

import { z } from 'zod';
import { containerSchema, parseContainer } from './container';
import { hostInfoSchema } from './host';
import { parsePayload, type Parsed } from './validate';

/**
 * Entries of a host's event stream (agent → gateways). A container change carries the whole new
 * state; a host change says whether the agent is up (a clean shutdown says so at once, a crash is
 * noticed when the heartbeat expires).
 */
export const fleetEventSchema = z.discriminatedUnion('type', [
  z.object({ v: z.literal(1), type: z.literal('container'), container: containerSchema }),
  z.object({
    v: z.literal(1),
    type: z.literal('host'),
    host: hostInfoSchema,
    online: z.boolean(),
  }),
]);
export type FleetEvent = z.infer<typeof fleetEventSchema>;

/**
 * Validates an event read from the bus. A container event whose container is only too long
 * somewhere is kept with the container clamped (see `parseContainer`), not dropped.
 */
export function parseFleetEvent(input: unknown): Parsed<FleetEvent> {
  const strict = parsePayload(fleetEventSchema, input);
  if (strict.ok || !isContainerEvent(input)) return strict;
  const container = parseContainer(input.container);
  return container.ok
    ? { ok: true, value: { v: 1, type: 'container', container: container.value } }
    : strict;
}

function isContainerEvent(input: unknown): input is { container: unknown } {
  if (typeof input !== 'object' || input === null) return false;
  const event = input as { v?: unknown; type?: unknown };
  return event.v === 1 && event.type === 'container';
}

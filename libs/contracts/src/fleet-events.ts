import { z } from 'zod';
import { containerSchema } from './container';
import { hostInfoSchema } from './host';

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

/** Stream entries of a host's event stream keep their payload as JSON in this one field. */
export const FLEET_EVENT_FIELD = 'd';

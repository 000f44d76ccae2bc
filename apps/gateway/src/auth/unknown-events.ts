import { CLIENT_EVENTS } from '@flotilla/contracts';
import type { FleetSocket } from '../socket/socket-types';

/** Every client event the gateway handles. */
const KNOWN: ReadonlySet<string> = new Set(CLIENT_EVENTS);

/**
 * Answers an event the gateway does not handle like any other bad input: an `error` event and,
 * when the client asked for one, an error ack (Socket.IO would drop it silently).
 */
export function answerUnknownEvents(socket: FleetSocket): void {
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const name = String(event);
    if (KNOWN.has(name)) return;
    const error = {
      error: `unknown event "${name.slice(0, 64)}"`,
      code: 'invalid_payload' as const,
    };
    socket.emit('error', error);
    const ack = args[args.length - 1];
    if (typeof ack === 'function')
      (ack as (response: unknown) => void)({ status: 'error', ...error });
  });
}

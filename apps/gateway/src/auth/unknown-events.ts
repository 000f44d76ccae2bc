import type { ClientEventName } from '@flotilla/contracts';
import type { FleetSocket } from '../socket/socket-types';

/** Every client event the gateway handles (typed: a new event breaks this until listed). */
const KNOWN: Record<ClientEventName, true> = {
  start_log_stream: true,
  load_earlier: true,
  stop_log_stream: true,
  subscribe_stats: true,
  unsubscribe_stats: true,
  subscribe: true,
  find_containers: true,
  container_action: true,
  heartbeat: true,
  watch: true,
  search_logs: true,
  search_cancel: true,
  pin_line: true,
  unpin: true,
};

/**
 * Answers an event the gateway does not handle like any other bad input: an `error` event and,
 * when the client asked for one, an error ack (Socket.IO would drop it silently).
 */
export function answerUnknownEvents(socket: FleetSocket): void {
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const name = String(event);
    if (Object.prototype.hasOwnProperty.call(KNOWN, name)) return;
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

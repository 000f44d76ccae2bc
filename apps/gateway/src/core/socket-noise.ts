/**
 * Routine connection-teardown noise (a peer that went away mid-write, a closed tab): worth a
 * debug line, never an error. The same filter the original design applied to its socket logs.
 */
const ROUTINE_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ERR_STREAM_DESTROYED',
]);
const ROUTINE_MESSAGES = [
  'socket hang up',
  'transport close',
  'transport error',
  'ping timeout',
  'client namespace disconnect',
  'server namespace disconnect',
  'server shutting down',
  'forced close',
  'forced server close',
  'write after end',
  'bad file descriptor',
  'socket shutdown',
];

export function isRoutineSocketError(error: unknown): boolean {
  if (typeof error === 'string') return matchesMessage(error);
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && ROUTINE_CODES.has(code)) return true;
    return matchesMessage(error.message);
  }
  return false;
}

function matchesMessage(message: string): boolean {
  const lower = message.toLowerCase();
  return (
    ROUTINE_MESSAGES.some((m) => lower.includes(m)) ||
    [...ROUTINE_CODES].some((c) => message.includes(c))
  );
}

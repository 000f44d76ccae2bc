/** Codes clients can act on; messages are for people. Internals never reach a client. */
export const ERROR_CODES = [
  'invalid_payload',
  'unknown_container',
  'ambiguous_container',
  'rate_limited',
  'forbidden',
  'unauthenticated',
  'host_offline',
  'command_failed',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** `error`: the original `{error}` plus a code, the container concerned and a correlation id. */
export interface ErrorPayload {
  error: string;
  code: ErrorCode;
  container_id?: string;
  correlation_id?: string;
}

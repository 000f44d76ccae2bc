import type { ErrorCode } from '@flotilla/contracts';

const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_payload: 400,
  unknown_container: 404,
  ambiguous_container: 409,
  rate_limited: 429,
  forbidden: 403,
  unauthenticated: 401,
  host_offline: 409,
  command_failed: 502,
  internal: 500,
};

/**
 * A failure clients may be told about: its code and message reach them as they are. Anything
 * else thrown is an internal error, which reaches them only as a correlation id.
 */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The container the failure concerns, when there is one. */
    readonly containerId?: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

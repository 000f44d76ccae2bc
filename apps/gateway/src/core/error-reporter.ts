import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ErrorPayload } from '@flotilla/contracts';
import { GatewayError } from './gateway-error';
import { describeError } from '@flotilla/logging';

/**
 * Turns any failure into what a client may see: a `GatewayError` as it is; anything else logged
 * here with a correlation id, the client getting only a generic message and that id.
 */
@Injectable()
export class ErrorReporter {
  private readonly logger = new Logger('Errors');

  toClient(error: unknown, context: string): ErrorPayload {
    if (error instanceof GatewayError) {
      return error.containerId === undefined
        ? { error: error.message, code: error.code }
        : { error: error.message, code: error.code, container_id: error.containerId };
    }
    const correlationId = randomUUID();
    this.logger.error(
      `${context} failed [${correlationId}]: ${describeError(error)}`,
      error instanceof Error ? error.stack : undefined,
    );
    return { error: 'internal error', code: 'internal', correlation_id: correlationId };
  }
}

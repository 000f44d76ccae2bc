import {
  Catch,
  HttpException,
  HttpStatus,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { ErrorReporter } from '../core/error-reporter';
import { GatewayError } from '../core/gateway-error';

/** HTTP statuses Nest or Express raise themselves, as REST error codes. */
const STATUS_CODES: Record<number, { code: string; error: string }> = {
  400: { code: 'invalid_payload', error: 'invalid request' },
  401: { code: 'unauthenticated', error: 'not authenticated' },
  403: { code: 'forbidden', error: 'forbidden' },
  404: { code: 'not_found', error: 'not found' },
  405: { code: 'not_found', error: 'method not allowed' },
  413: { code: 'invalid_payload', error: 'request too large' },
  429: { code: 'rate_limited', error: 'too many requests' },
  503: { code: 'unavailable', error: 'not ready' },
};

/**
 * Every REST failure as JSON `{error, code}`: known errors as they are, framework errors by
 * status, anything else as `internal` with a correlation id (the details go to the log only).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly errors: ErrorReporter) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (exception instanceof GatewayError) {
      const body = this.errors.toClient(exception, 'http');
      response.status(exception.httpStatus).json(body);
      return;
    }
    if (
      exception instanceof HttpException &&
      (exception.getStatus() < 500 || isServiceUnavailable(exception))
    ) {
      const status = exception.getStatus();
      const known = STATUS_CODES[status] ?? { code: 'invalid_payload', error: 'invalid request' };
      response.status(status).json(known);
      return;
    }
    const body = this.errors.toClient(exception, 'http request');
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json(body);
  }
}

function isServiceUnavailable(exception: unknown): boolean {
  return exception instanceof HttpException && exception.getStatus() === 503;
}

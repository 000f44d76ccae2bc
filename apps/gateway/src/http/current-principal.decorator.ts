import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from '../auth/principal';

export type RequestWithPrincipal = Request & { principal?: Principal };

/** The principal the HTTP principal middleware attached to the request. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Principal => {
    const principal = ctx.switchToHttp().getRequest<RequestWithPrincipal>().principal;
    if (!principal) throw new Error('request reached a controller without a principal');
    return principal;
  },
);

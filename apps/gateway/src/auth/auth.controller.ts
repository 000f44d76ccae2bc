import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { compare } from 'bcryptjs';
import type { ErrorPayload } from '@flotilla/contracts';
import type { GatewayConfig } from '../config/gateway.config';
import { OriginPolicy } from '../config/origin-policy';
import { GATEWAY_CONFIG } from '../core/tokens';
import { CurrentPrincipal } from '../http/current-principal.decorator';
import { IoServerRef } from '../socket/io-server.ref';
import { AuthStore, AuthStoreUnavailableError } from './auth-store.service';
import { addressBucket, clientAddress } from './client-address';
import { normalizeAddress } from './identity-providers';
import type { Principal } from './principal';
import { sessionCookie, SessionTokens } from './session-token';
import { UserDirectory } from './user-directory.service';
import { sessionRoom } from './socket-authenticator.service';
import { readJsonBody } from './json-body';
import { AuditService } from '../audit/audit.service';

/**
 * `GET /api/login` says whether logging in is used here: 200 in users mode, 404 otherwise.
 * `POST /api/login` (users mode; 404 otherwise): user + password → a signed session, recorded in
 * the auth store, set as an httpOnly SameSite=Strict cookie and returned in the body for bearer
 * use. Attempts are limited per client address (IPv6 by its /64; behind trusted proxies, the
 * address they report) and per user name; a successful login is not counted. `POST /api/logout`
 * deletes the session's record, ends its sockets on every replica, audits the logout and clears
 * the cookie. `GET /api/me` says who the caller is in any mode.
 */
@Controller('api')
export class AuthController {
  private readonly tokens: SessionTokens | undefined;
  private readonly trustedProxies: ReadonlySet<string>;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly store: AuthStore,
    private readonly users: UserDirectory,
    private readonly io: IoServerRef,
    private readonly audit: AuditService,
    private readonly policy: OriginPolicy,
  ) {
    if (config.authMode === 'users') this.tokens = new SessionTokens(config.sessionSecret ?? '');
    this.trustedProxies = new Set((config.trustedProxies ?? []).map(normalizeAddress));
  }

  /** Whether logging in is used here: the page offers its login form only then. */
  @Get('login')
  loginOffered(@Res({ passthrough: true }) res: Response): unknown {
    return this.tokens ? { status: 'ok' } : this.loginNotUsed(res);
  }

  @Post('login')
  @HttpCode(200)
  async login(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<unknown> {
    if (!this.tokens) return this.loginNotUsed(res);
    const body = await readJsonBody(req, 4_096).catch(() => undefined);
    const { user, password } = (body ?? {}) as { user?: unknown; password?: unknown };
    if (
      typeof user !== 'string' ||
      typeof password !== 'string' ||
      user.length > 64 ||
      password.length > 1_024
    ) {
      res.status(400);
      return { error: 'send {"user": "...", "password": "..."}', code: 'invalid_payload' };
    }
    const ip = clientAddress(req, this.trustedProxies);
    try {
      return await this.attempt(this.tokens, user, password, ip, req, res);
    } catch (error: unknown) {
      if (!(error instanceof AuthStoreUnavailableError)) throw error;
      // Without the store no attempt can be counted nor session recorded: say so, never "wrong".
      res.status(503).setHeader('Retry-After', '5');
      return { error: 'the service is unavailable; try again shortly', code: 'unavailable' };
    }
  }

  @Post('logout')
  @HttpCode(200)
  async logout(
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<unknown> {
    const session = principal.session;
    if (session) {
      await this.store.closeSession(session.id);
      this.io.get()?.in(sessionRoom(session.id)).disconnectSockets(true);
    }
    await this.audit.record({
      kind: 'logout',
      user: principal.user,
      ok: true,
      error: null,
      ip: clientAddress(req, this.trustedProxies),
    });
    const tls = this.policy.servedOverTls(req);
    res.clearCookie(sessionCookie(tls), {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: tls,
    });
    return { status: 'ok' };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal): unknown {
    return {
      user: principal.user,
      roles: principal.roles,
      scopes: principal.scopes,
      expires_at: principal.session ? new Date(principal.session.expiresAt).toISOString() : null,
    };
  }

  /** Outside users mode there is no login to offer nor to take. */
  private loginNotUsed(res: Response): ErrorPayload {
    res.status(404);
    return {
      error: `login is not used with AUTH_MODE=${this.config.authMode}`,
      code: 'invalid_payload',
    };
  }

  private async attempt(
    tokens: SessionTokens,
    user: string,
    password: string,
    ip: string,
    req: Request,
    res: Response,
  ): Promise<unknown> {
    const bucket = addressBucket(ip);
    if (!(await this.store.allowLoginAttempt(bucket, user))) {
      res.status(429).setHeader('Retry-After', '60');
      return { error: 'too many login attempts; try again in a minute', code: 'rate_limited' };
    }
    const record = this.users.get(user);
    const ok = await compare(password, record?.hash ?? this.users.dummyHash);
    if (!record || !ok) {
      await this.audit.record({
        kind: 'login_failed',
        user: user.slice(0, 64),
        ok: false,
        error: 'wrong user or password',
        ip,
      });
      res.status(401);
      return { error: 'wrong user or password', code: 'unauthenticated' };
    }
    const ttlMs = this.config.sessionTtlMs ?? 3_600_000;
    const { token, claims } = tokens.issue(record.user, ttlMs);
    await this.store.openSession(claims.sid, record.user, ttlMs);
    await this.store.refundLoginAttempt(bucket, user);
    await this.audit.record({ kind: 'login', user: record.user, ok: true, error: null, ip });
    const tls = this.policy.servedOverTls(req);
    res.cookie(sessionCookie(tls), token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: tls,
      path: '/',
      maxAge: ttlMs,
    });
    return {
      user: record.user,
      role: record.role,
      token,
      expires_at: new Date(claims.exp).toISOString(),
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Bus } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import { BUS } from '../core/tokens';

/**
 * Failed (or still running) login attempts allowed per window: at one user name from one client,
 * and from one client in all. Nothing counts per user name alone, so no one can lock a user out
 * from elsewhere.
 */
export const LOGIN_ATTEMPTS = { perUser: 10, perClient: 30, windowMs: 60_000 } as const;

/** How long a login waits for an unreachable store before it is told so. */
const STORE_DEADLINE_MS = 2_000;

const attemptBuckets = (client: string, user: string): [string, string] => [
  `client:${client}`,
  `user:${client}:${user}`,
];

/** The store that holds sessions and attempt counters (Redis for a fleet) cannot be reached. */
export class AuthStoreUnavailableError extends Error {}

/**
 * What authentication shares between replicas, kept by the bus's login repository: the live
 * sessions (one record per session, living exactly as long as its token: a token without its
 * record is refused, so losing Redis's data ends sessions instead of reviving logged-out ones)
 * and the login attempt counters. Every failure or slow answer of the store becomes
 * `AuthStoreUnavailableError`, which a login answers with 503.
 */
@Injectable()
export class AuthStore {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  /** Records a new session of `user`, valid for `ttlMs`. */
  openSession(sid: string, user: string, ttlMs: number): Promise<void> {
    return this.unavailableOnError(this.bus.logins.openSession(sid, user, ttlMs));
  }

  /** The user of a live session; null when it ended, expired or was never recorded. */
  sessionUser(sid: string): Promise<string | null> {
    return this.unavailableOnError(this.bus.logins.sessionUser(sid));
  }

  closeSession(sid: string): Promise<void> {
    return this.unavailableOnError(this.bus.logins.closeSession(sid));
  }

  /**
   * Counts a login attempt at `user` from the client whose rate-limit bucket is `client`; false
   * when either allowance is spent. Counted before the password is checked, so parallel
   * attempts cannot slip past the limit.
   */
  async allowLoginAttempt(client: string, user: string): Promise<boolean> {
    const [perClient, perUser] = await Promise.all(
      attemptBuckets(client, user).map((bucket) => this.count(bucket, 1)),
    );
    return perClient <= LOGIN_ATTEMPTS.perClient && perUser <= LOGIN_ATTEMPTS.perUser;
  }

  /** A successful login does not count against its client. */
  async refundLoginAttempt(client: string, user: string): Promise<void> {
    await Promise.all(attemptBuckets(client, user).map((bucket) => this.count(bucket, -1)));
  }

  private count(bucket: string, by: 1 | -1): Promise<number> {
    return this.unavailableOnError(
      this.bus.logins.countAttempt(bucket, by, LOGIN_ATTEMPTS.windowMs),
    );
  }

  private async unavailableOnError<T>(operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${STORE_DEADLINE_MS} ms`)),
        STORE_DEADLINE_MS,
      );
    });
    // Should the deadline win, the operation's late failure must not go unhandled.
    operation.catch(() => undefined);
    try {
      return await Promise.race([operation, deadline]);
    } catch (error: unknown) {
      throw new AuthStoreUnavailableError(`sessions store unreachable: ${describeError(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

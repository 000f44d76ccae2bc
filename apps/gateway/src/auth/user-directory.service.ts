import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';
import { parseUsersFile, readUsersBytes, type UserRecord } from './users-file';
import { describeError } from '@flotilla/logging';

/** How often the users file is checked for changes. */
export const USERS_FILE_CHECK_MS = 1_000;

/** The bcrypt cost `npm run users` writes; also the dummy's cost while no user exists. */
const DEFAULT_BCRYPT_COST = 12;

/**
 * The accounts of `USERS_FILE` (users mode), read at start (a broken file stops the gateway) and
 * every second after: when its content changes (a new revision: the SHA-256 of its bytes), the
 * accounts are replaced and listeners told, so open sockets are re-evaluated. A file that goes
 * missing or turns invalid leaves no accounts until it is fixed: access fails closed.
 */
@Injectable()
export class UserDirectory implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(UserDirectory.name);
  private users: ReadonlyMap<string, UserRecord> = new Map();
  private revisionOfUsers = '';
  private lastProblem = '';
  private dummy = dummyHashOf(DEFAULT_BCRYPT_COST);
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    const file = this.usersFile;
    if (file) this.apply(readUsersBytes(file), file);
  }

  onModuleInit(): void {
    if (!this.usersFile) return;
    this.timer = setInterval(() => this.check(), USERS_FILE_CHECK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  get(user: string): UserRecord | undefined {
    return this.users.get(user);
  }

  all(): ReadonlyMap<string, UserRecord> {
    return this.users;
  }

  /**
   * A hash no password matches, at the cost most accounts use: checking an unknown user's
   * password takes as long as checking a real one's, so the answer's timing tells nothing.
   */
  get dummyHash(): string {
    return this.dummy;
  }

  /** Calls `listener` after every change of the accounts. */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  /**
   * Re-reads the file and applies it when its content changed. The whole file is hashed each
   * time (it is small): metadata can miss a same-size rewrite within the clock's granularity.
   */
  check(): void {
    const file = this.usersFile;
    if (!file) return;
    try {
      this.apply(readUsersBytes(file), file);
      this.lastProblem = '';
    } catch (error: unknown) {
      const problem = describeError(error);
      if (problem !== this.lastProblem) {
        this.logger.error(`${problem}; no account has access until the file is fixed`);
        this.lastProblem = problem;
      }
      this.replace(new Map(), '');
    }
  }

  private get usersFile(): string | undefined {
    return this.config.authMode === 'users' ? this.config.usersFile : undefined;
  }

  private apply(content: Buffer, file: string): void {
    const revision = createHash('sha256').update(content).digest('hex');
    if (revision === this.revisionOfUsers) return;
    const records = parseUsersFile(content.toString('utf8'), file);
    this.dummy = dummyHashOf(commonCost(records) ?? DEFAULT_BCRYPT_COST);
    this.replace(new Map(records.map((u) => [u.user, u])), revision);
    this.logger.log(`${records.length} accounts from ${file} (revision ${revision.slice(0, 12)})`);
  }

  private replace(users: ReadonlyMap<string, UserRecord>, revision: string): void {
    if (revision === this.revisionOfUsers) return;
    this.users = users;
    this.revisionOfUsers = revision;
    for (const listener of this.listeners) listener();
  }
}

/** The bcrypt cost most accounts use (the higher on a tie). */
function commonCost(records: readonly UserRecord[]): number | undefined {
  const counts = new Map<number, number>();
  for (const r of records) {
    const cost = Number(r.hash.slice(4, 6));
    counts.set(cost, (counts.get(cost) ?? 0) + 1);
  }
  let best: number | undefined;
  for (const [cost, n] of counts) {
    const bestCount = best === undefined ? 0 : (counts.get(best) ?? 0);
    if (n > bestCount || (n === bestCount && cost > (best ?? 0))) best = cost;
  }
  return best;
}

/**
 * A well-formed bcrypt hash of `cost` that no password produces (its digest part is not the
 * output of its salt): comparing against it costs exactly one bcrypt run of that cost.
 */
function dummyHashOf(cost: number): string {
  return `$2b$${String(cost).padStart(2, '0')}$${'.'.repeat(22)}${'.'.repeat(31)}`;
}

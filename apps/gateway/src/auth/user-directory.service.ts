import { Inject, Injectable } from '@nestjs/common';
import { statSync } from 'node:fs';
import type { GatewayConfig } from '../config/gateway.config';
import { GATEWAY_CONFIG } from '../core/tokens';
import { readUsersFile, type UserRecord } from './users-file';

/**
 * The accounts of `USERS_FILE` (users mode), read at start (a broken file stops the gateway) and
 * again whenever the file changes, checked at most once a second: a removed user's sessions stop
 * working at once.
 */
@Injectable()
export class UserDirectory {
  private users: ReadonlyMap<string, UserRecord> = new Map();
  private mtimeMs = -1;
  private checkedAt = 0;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    if (config.authMode === 'users' && config.usersFile) this.load(config.usersFile);
  }

  get(user: string): UserRecord | undefined {
    return this.all().get(user);
  }

  all(): ReadonlyMap<string, UserRecord> {
    const file = this.config.usersFile;
    if (file && Date.now() - this.checkedAt > 1_000) {
      this.checkedAt = Date.now();
      try {
        if (statSync(file).mtimeMs !== this.mtimeMs) this.load(file);
      } catch {
        this.users = new Map();
      }
    }
    return this.users;
  }

  private load(file: string): void {
    this.mtimeMs = statSync(file).mtimeMs;
    this.users = new Map(readUsersFile(file).map((u) => [u.user, u]));
  }
}

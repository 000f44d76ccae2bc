import { hashSync } from 'bcryptjs';
import type Redis from 'ioredis';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { waitFor } from '@flotilla/testing';
import type { UserRecord } from '../../src/auth/users-file';
import { TestClient } from '../support/test-client';

export const SECRET = 'test-secret-0123456789-0123456789-abcdef';
export const PASSWORD = 'correct horse battery';

/**
 * A users file with these accounts, all with PASSWORD (bcrypt cost 4 to keep tests quick, unless
 * an account names its own `cost`).
 */
export function writeUsers(users: TestUser[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'flotilla-users-')), 'users.json');
  writeFileSync(file, usersJson(users));
  return file;
}

/** Replaces the accounts of a users file as `npm run users` does: a new file renamed over it. */
export function rewriteUsers(file: string, users: TestUser[]): void {
  writeFileSync(`${file}.tmp`, usersJson(users));
  renameSync(`${file}.tmp`, file);
}

export type TestUser = Omit<UserRecord, 'hash'> & { cost?: number };

function usersJson(users: TestUser[]): string {
  const hashes = new Map<number, string>();
  const hashOf = (cost: number): string => {
    const hash = hashes.get(cost) ?? hashSync(PASSWORD, cost);
    hashes.set(cost, hash);
    return hash;
  };
  return JSON.stringify(users.map(({ cost, ...u }) => ({ ...u, hash: hashOf(cost ?? 4) })));
}

export interface LoginResult {
  status: number;
  body: { token?: string; user?: string; role?: string; expires_at?: string; code?: string };
  cookie: string | null;
}

export async function login(
  url: string,
  user: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<LoginResult> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ user, password }),
  });
  return {
    status: res.status,
    body: (await res.json()) as LoginResult['body'],
    cookie: res.headers.get('set-cookie'),
  };
}

export async function token(url: string, user: string): Promise<string> {
  const result = await login(url, user);
  if (!result.body.token) throw new Error(`login of ${user} failed: ${result.status}`);
  return result.body.token;
}

/** Connects with a bearer token (or cookie header) and waits for initial_state. */
export function connectAs(url: string, headers: Record<string, string>): Promise<TestClient> {
  return TestClient.connect(url, { extraHeaders: headers });
}

export const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

/**
 * Tries a handshake and records everything the server sends; resolves with the connect_error
 * message (or "connected") and the events received.
 */
export async function tryHandshake(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ outcome: string; events: string[] }> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: headers,
    timeout: 5_000,
  });
  const events: string[] = [];
  socket.onAny((event: string) => events.push(event));
  const outcome = await new Promise<string>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(error.message));
  });
  await new Promise((r) => setTimeout(r, 200));
  socket.disconnect();
  return { outcome, events };
}

/** Forgets every login attempt counted in `redis`. */
export async function clearLoginAttempts(redis: Redis): Promise<void> {
  const keys = await redis.keys('flotilla:v1:auth:login-attempts:*');
  if (keys.length > 0) await redis.del(...keys);
}

/**
 * After a Redis restart: waits until every replica's bus and adapter connections are back (by
 * their names in CLIENT LIST), so nothing is left queued on a reconnecting connection.
 */
export async function waitForReplicasReconnected(
  redis: Redis,
  replicaIds: readonly string[],
): Promise<void> {
  const wanted = replicaIds.flatMap((id) =>
    ['cmd', 'follow', 'io-pub', 'io-sub'].map((role) => `name=${id}:${role} `),
  );
  await waitFor(
    async () => {
      const list = String(await redis.client('LIST'));
      return wanted.every((name) => list.includes(name));
    },
    { timeoutMs: 20_000, intervalMs: 100, message: 'every replica to reconnect to Redis' },
  );
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with exactly these headers, `Host` included (fetch would replace it). */
export function raw(
  url: string,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers, setHost: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ROLES, type Principal } from './principal';

/** One account of a `USERS_FILE`. */
export const userRecordSchema = z
  .object({
    user: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'user names are 1 to 64 of A-Z a-z 0-9 . _ @ -'),
    hash: z.string().regex(/^\$2[aby]\$\d{2}\$.{53}$/, 'hash must be a bcrypt hash'),
    role: z.enum(ROLES),
    scopes: z
      .object({
        hosts: z.array(z.string().min(1).max(128)).max(1_000).optional(),
        containers: z.array(z.string().min(1).max(256)).max(1_000).optional(),
        labels: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type UserRecord = z.infer<typeof userRecordSchema>;

export const usersFileSchema = z.array(userRecordSchema).superRefine((users, ctx) => {
  const seen = new Set<string>();
  for (const u of users) {
    if (seen.has(u.user))
      ctx.addIssue({ code: 'custom', message: `user "${u.user}" appears twice` });
    seen.add(u.user);
  }
});

/** Reads and validates a users file; throws one readable line naming the problem. */
export function readUsersFile(path: string): UserRecord[] {
  return parseUsersFile(readUsersBytes(path).toString('utf8'), path);
}

/** The bytes of a users file; throws one readable line when it cannot be read. */
export function readUsersBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error: unknown) {
    throw new Error(
      `cannot read USERS_FILE ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/** Validates the content of the users file at `path`; throws one readable line naming the problem. */
export function parseUsersFile(raw: string, path: string): UserRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`USERS_FILE ${path} is not valid JSON`);
  }
  const parsed = usersFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `USERS_FILE ${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim(),
    );
  }
  return parsed.data;
}

/**
 * The principal a user record speaks for: its role, its host scope (every host when unset) and,
 * when `containers` (name globs) or `labels` are set, only the containers they match.
 */
export function principalOf(record: UserRecord, session?: Principal['session']): Principal {
  const { hosts, containers, labels } = record.scopes ?? {};
  const confined = containers !== undefined || labels !== undefined;
  return {
    user: record.user,
    roles: [record.role],
    scopes: hosts === undefined ? ['host:*'] : hosts.map((h) => `host:${h}`),
    ...(confined ? { containers: { names: containers ?? [], labels: labels ?? {} } } : {}),
    ...(session ? { session } : {}),
  };
}

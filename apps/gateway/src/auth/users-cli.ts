/* Flotilla users file editor: npm run users -- add <user> --role operator [--hosts a,b] [--containers 'web-*'] [--labels k=v] */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hash } from 'bcryptjs';
import { ROLES, type Role } from './principal';
import { userRecordSchema, usersFileSchema, type UserRecord } from './users-file';
import { describeError } from '@flotilla/logging';

const USAGE = `usage: npm run users -- add <user> --role viewer|operator|admin [--hosts a,b]
           [--containers 'web-*,api-?'] [--labels team=shop,env=prod] [--file USERS_FILE]
       npm run users -- remove <user> [--file USERS_FILE]
With --containers or --labels the user sees only containers whose name matches a glob or that
carry every label. The password is read from stdin (one line). The file defaults to $USERS_FILE,
else users.json.`;

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text.split(/\r?\n/)[0] ?? ''));
    process.stdin.on('error', reject);
  });
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function runUsersCli(
  args: string[],
  env: Record<string, string | undefined>,
  password?: () => Promise<string>,
): Promise<string> {
  const [command, user] = args;
  const file = option(args, '--file') ?? env.USERS_FILE ?? 'users.json';
  const users: UserRecord[] = existsSync(file)
    ? usersFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
    : [];
  if (command === 'add' && user) {
    const role = option(args, '--role') as Role | undefined;
    if (!role || !ROLES.includes(role)) throw new Error(USAGE);
    const secret = await (password ?? readStdin)();
    if (secret.length < 8)
      throw new Error('the password (read from stdin) must be at least 8 characters');
    const list = (name: string) =>
      option(args, name)
        ?.split(',')
        .map((h) => h.trim())
        .filter(Boolean);
    const hosts = list('--hosts');
    const containers = list('--containers');
    const labelPairs = list('--labels')?.map((pair): string[] => pair.split('='));
    if (labelPairs?.some((p) => p.length !== 2 || !p[0])) throw new Error(USAGE);
    const labels = labelPairs
      ? Object.fromEntries(labelPairs.map(([k, v]) => [k, v] as [string, string]))
      : undefined;
    const scopes = {
      ...(hosts ? { hosts } : {}),
      ...(containers ? { containers } : {}),
      ...(labels ? { labels } : {}),
    };
    const record = userRecordSchema.parse({
      user,
      hash: await hash(secret, 12),
      role,
      ...(Object.keys(scopes).length > 0 ? { scopes } : {}),
    });
    const next = [...users.filter((u) => u.user !== user), record];
    write(file, next);
    return `${users.some((u) => u.user === user) ? 'updated' : 'added'} ${user} (${role}) in ${file}`;
  }
  if (command === 'remove' && user) {
    write(
      file,
      users.filter((u) => u.user !== user),
    );
    return `removed ${user} from ${file}`;
  }
  throw new Error(USAGE);
}

function write(file: string, users: UserRecord[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

if (require.main === module) {
  runUsersCli(process.argv.slice(2), process.env).then(
    (message) => process.stdout.write(`${message}\n`),
    (error: unknown) => {
      process.stderr.write(`${describeError(error)}\n`);
      process.exitCode = 1;
    },
  );
}

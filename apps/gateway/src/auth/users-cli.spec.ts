import { compareSync } from 'bcryptjs';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUsersCli } from './users-cli';
import { readUsersFile } from './users-file';

describe('npm run users', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'flotilla-cli-')), 'users.json');
  const password = (p: string) => () => Promise.resolve(p);

  it('adds a user with a bcrypt hash of the password read from stdin, role and hosts, in a 0600 file', async () => {
    const out = await runUsersCli(
      ['add', 'alice', '--role', 'operator', '--hosts', 'a, b', '--file', file],
      {},
      password('s3cret-pass'),
    );
    expect(out).toMatch(/added alice \(operator\)/);
    const [alice] = readUsersFile(file);
    expect(alice).toMatchObject({ user: 'alice', role: 'operator', scopes: { hosts: ['a', 'b'] } });
    expect(compareSync('s3cret-pass', alice?.hash ?? '')).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('s3cret-pass');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  }, 20_000);

  it("writes container name globs and labels as the user's container scope", async () => {
    const args = [
      'add',
      'carol',
      '--role',
      'viewer',
      '--containers',
      'web-*',
      '--labels',
      'team=shop',
      '--file',
      file,
    ];
    await runUsersCli(args, {}, password('carols-pass'));
    const carol = readUsersFile(file).find((u) => u.user === 'carol');
    expect(carol?.scopes).toEqual({ containers: ['web-*'], labels: { team: 'shop' } });
    await expect(
      runUsersCli(
        ['add', 'dan', '--role', 'viewer', '--labels', 'oops', '--file', file],
        {},
        password('dans-pass-1'),
      ),
    ).rejects.toThrow(/usage/);
    await runUsersCli(['remove', 'carol', '--file', file], {});
  }, 20_000);

  it('replaces and removes users, and refuses bad roles and short passwords', async () => {
    await runUsersCli(
      ['add', 'alice', '--role', 'viewer'],
      { USERS_FILE: file },
      password('another-pass'),
    );
    expect(readUsersFile(file).map((u) => [u.user, u.role])).toEqual([['alice', 'viewer']]);
    await expect(
      runUsersCli(['add', 'bob', '--role', 'root', '--file', file], {}, password('long-enough')),
    ).rejects.toThrow(/usage/);
    await expect(
      runUsersCli(['add', 'bob', '--role', 'admin', '--file', file], {}, password('short')),
    ).rejects.toThrow(/8 characters/);
    await runUsersCli(['remove', 'alice', '--file', file], {});
    expect(readUsersFile(file)).toEqual([]);
  }, 20_000);
});

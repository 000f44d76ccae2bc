import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayConfig } from '../config/gateway.config';
import { UserDirectory } from './user-directory.service';

const hashOfCost = (cost: number) => `$2b$${String(cost).padStart(2, '0')}$${'a'.repeat(53)}`;

describe('UserDirectory', () => {
  let dir: string;
  let file: string;
  const write = (users: { user: string; cost: number }[]) =>
    writeFileSync(
      file,
      JSON.stringify(
        users.map((u) => ({ user: u.user, hash: hashOfCost(u.cost), role: 'viewer' })),
      ),
    );
  const directory = () =>
    new UserDirectory({ authMode: 'users', usersFile: file } as GatewayConfig);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-directory-'));
    file = join(dir, 'users.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('checks unknown users at the cost most accounts use', () => {
    write([
      { user: 'a', cost: 12 },
      { user: 'b', cost: 12 },
      { user: 'c', cost: 10 },
    ]);
    expect(directory().dummyHash).toMatch(/^\$2b\$12\$.{53}$/);
    write([]);
    expect(directory().dummyHash).toMatch(/^\$2b\$12\$/);
    write([{ user: 'a', cost: 11 }]);
    expect(directory().dummyHash).toMatch(/^\$2b\$11\$/);
  });

  it('applies a new content revision and tells listeners; the same content again changes nothing', () => {
    write([{ user: 'a', cost: 4 }]);
    const users = directory();
    const changes: string[][] = [];
    users.onChange(() => changes.push([...users.all().keys()]));

    write([{ user: 'b', cost: 4 }]);
    users.check();
    expect(changes).toEqual([['b']]);

    writeFileSync(file, readFileSync(file)); // rewritten, same bytes
    users.check();
    expect(changes).toHaveLength(1);
  });

  it('fails closed while the file is missing or invalid, and recovers when it is fixed', () => {
    write([{ user: 'a', cost: 4 }]);
    const users = directory();
    writeFileSync(file, '[{"user": "a"');
    users.check();
    expect(users.get('a')).toBeUndefined();
    rmSync(file);
    users.check();
    expect(users.all().size).toBe(0);
    write([{ user: 'a', cost: 4 }]);
    users.check();
    expect(users.get('a')?.user).toBe('a');
  });
});

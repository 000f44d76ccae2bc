import { principalOf, usersFileSchema } from './users-file';

const hash = `$2b$04$${'a'.repeat(53)}`;

describe('users file', () => {
  it('maps a role and host scopes to a principal; no hosts means every host', () => {
    const [a, b] = usersFileSchema.parse([
      { user: 'a', hash, role: 'viewer', scopes: { hosts: ['h1'] } },
      { user: 'b', hash, role: 'admin' },
    ]);
    expect(principalOf(a)).toEqual({ user: 'a', roles: ['viewer'], scopes: ['host:h1'] });
    expect(principalOf(b)).toEqual({ user: 'b', roles: ['admin'], scopes: ['host:*'] });
  });

  it('refuses unknown roles, plain-text passwords and duplicates', () => {
    expect(usersFileSchema.safeParse([{ user: 'a', hash, role: 'root' }]).success).toBe(false);
    expect(
      usersFileSchema.safeParse([{ user: 'a', hash: 'hunter2', role: 'viewer' }]).success,
    ).toBe(false);
    expect(
      usersFileSchema.safeParse([
        { user: 'a', hash, role: 'viewer' },
        { user: 'a', hash, role: 'admin' },
      ]).success,
    ).toBe(false);
    expect(
      usersFileSchema.safeParse([{ user: 'a', hash, role: 'viewer', scopes: { images: ['x'] } }])
        .success,
    ).toBe(false);
  });

  it('turns container name globs and labels into a container scope', () => {
    const parsed = usersFileSchema.parse([
      {
        user: 'a',
        hash,
        role: 'viewer',
        scopes: { hosts: ['h1'], containers: ['web-*'], labels: { team: 'shop' } },
      },
    ]);
    expect(principalOf(parsed[0])).toEqual({
      user: 'a',
      roles: ['viewer'],
      scopes: ['host:h1'],
      containers: { names: ['web-*'], labels: { team: 'shop' } },
    });
  });
});

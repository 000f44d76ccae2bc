import { canDo, canSee, canSeeHost, globToRegExp } from './access-policy';
import { ANONYMOUS_ADMIN, type Principal } from './principal';

const onA = { host_id: 'host-a', container_id: 'a'.repeat(64) };
const onB = { host_id: 'host-b', container_id: 'b'.repeat(64) };

function principal(roles: Principal['roles'], scopes: string[]): Principal {
  return { user: 'u', roles, scopes };
}

describe('canSee', () => {
  it('lets the anonymous admin see everything', () => {
    expect(canSee(ANONYMOUS_ADMIN, onA) && canSee(ANONYMOUS_ADMIN, onB)).toBe(true);
  });

  it('confines a principal to its host scopes', () => {
    const p = principal(['viewer'], ['host:host-a']);
    expect(canSee(p, onA)).toBe(true);
    expect(canSee(p, onB)).toBe(false);
    expect(canSeeHost(p, 'host-b')).toBe(false);
    expect(canSee(principal(['admin'], []), onA)).toBe(false);
  });
});

describe('canSee with a container scope', () => {
  const scoped: Principal = {
    user: 'u',
    roles: ['operator'],
    scopes: ['host:host-a'],
    containers: { names: ['web-*', 'db?'], labels: { team: 'shop' } },
  };
  const web = { ...onA, name: 'web-1', labels: {} };

  it('admits containers whose name matches a glob', () => {
    expect(canSee(scoped, web)).toBe(true);
    expect(canSee(scoped, { ...web, name: 'db1' })).toBe(true);
    expect(canSee(scoped, { ...web, name: 'db12' })).toBe(false);
    expect(canSee(scoped, { ...web, name: 'my-web-1' })).toBe(false);
  });

  it('admits containers carrying every scoped label, and takes glob characters literally otherwise', () => {
    expect(canSee(scoped, { ...web, name: 'cache', labels: { team: 'shop', tier: 'x' } })).toBe(
      true,
    );
    expect(canSee(scoped, { ...web, name: 'cache', labels: { team: 'ops' } })).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it('still confines by host, and fails closed when name and labels are unknown', () => {
    expect(canSee(scoped, { ...web, host_id: 'host-b' })).toBe(false);
    expect(canSee(scoped, onA)).toBe(false);
    expect(canDo(scoped, 'restart', web)).toBe(true);
    expect(canDo(scoped, 'restart', { ...web, name: 'other' })).toBe(false);
  });
});

describe('canDo', () => {
  it('gives viewers no actions, operators start/stop/restart, admins remove too', () => {
    const viewer = principal(['viewer'], ['host:*']);
    const operator = principal(['operator'], ['host:*']);
    const admin = principal(['admin'], ['host:*']);
    expect(canDo(viewer, 'start', onA)).toBe(false);
    expect(['start', 'stop', 'restart'].every((a) => canDo(operator, a as 'start', onA))).toBe(
      true,
    );
    expect(canDo(operator, 'remove', onA)).toBe(false);
    expect(canDo(admin, 'remove', onA)).toBe(true);
  });

  it('refuses actions on containers out of scope', () => {
    expect(canDo(principal(['admin'], ['host:host-a']), 'stop', onB)).toBe(false);
  });
});

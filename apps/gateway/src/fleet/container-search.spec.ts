import { COMPOSE_PROJECT_LABEL, type Container } from '@flotilla/contracts';
import { makeContainer } from '../../test/support/fleet-fixtures';
import { findContainers } from './container-search';

const named = (name: string, overrides: Partial<Container> = {}): Container =>
  makeContainer(overrides.host_id ?? 'host-a', {
    name,
    image: 'busybox:1',
    labels: {},
    ...overrides,
  });

const names = (found: { containers: Container[] }) => found.containers.map((c) => c.name);

describe('findContainers', () => {
  it('ranks the exact name first, then name prefixes, then the rest, each by name', () => {
    const fleet = [
      named('my-api'),
      named('api-worker'),
      named('api'),
      named('zz', { image: 'registry/api:2' }),
      named('api-gateway'),
      named('unrelated'),
    ];
    expect(names(findContainers(fleet, 'api', 50))).toEqual([
      'api',
      'api-gateway',
      'api-worker',
      'my-api',
      'zz',
    ]);
  });

  it('matches any case in name, image and compose project, and the start of an id', () => {
    const byImage = named('one', { image: 'Postgres:16' });
    const byProject = named('two', { labels: { [COMPOSE_PROJECT_LABEL]: 'Billing' } });
    const byId = named('three');
    const other = named('four');
    const fleet = [byImage, byProject, byId, other];
    expect(names(findContainers(fleet, 'POSTGRES', 50))).toEqual(['one']);
    expect(names(findContainers(fleet, 'bill', 50))).toEqual(['two']);
    expect(names(findContainers(fleet, byId.container_id.slice(0, 12), 50))).toContain('three');
    // An id matches from its start only.
    expect(names(findContainers(fleet, byId.container_id.slice(5, 17), 50))).not.toContain('three');
  });

  it('keeps the best `limit` and says when more matched', () => {
    const fleet = Array.from({ length: 30 }, (_, i) => named(`web-${String(i).padStart(2, '0')}`));
    fleet.push(named('web'));
    const found = findContainers(fleet.reverse(), 'web', 5);
    expect(names(found)).toEqual(['web', 'web-00', 'web-01', 'web-02', 'web-03']);
    expect(found.more).toBe(true);
    const all = findContainers(fleet, 'web', 31);
    expect(all.containers).toHaveLength(31);
    expect(all.more).toBe(false);
  });

  it('orders equal names by host, so the answer is the same whatever order hosts are read in', () => {
    const a = named('db', { host_id: 'host-a' });
    const b = named('db', { host_id: 'host-b' });
    expect(findContainers([b, a], 'db', 50).containers.map((c) => c.host_id)).toEqual([
      'host-a',
      'host-b',
    ]);
    expect(findContainers([], 'db', 50)).toEqual({ containers: [], more: false });
  });
});

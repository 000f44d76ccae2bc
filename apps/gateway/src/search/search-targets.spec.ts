import type { Container } from '@flotilla/contracts';
import type { Principal } from '../auth/principal';
import { searchTargets } from './search-targets';

const container = (host: string, name: string, labels: Record<string, string> = {}): Container =>
  ({
    host_id: host,
    container_id: `${name.length}`.padEnd(64, 'a').replace(/[^0-9a-f]/g, 'a'),
    name,
    labels,
  }) as Container;

const admin: Principal = { user: 'ann', roles: ['admin'], scopes: ['host:*'] };
const scoped: Principal = {
  user: 'sam',
  roles: ['viewer'],
  scopes: ['host:h1'],
  containers: { names: ['web-*'], labels: {} },
};

describe('searchTargets', () => {
  const all = [
    container('h1', 'web-1', { 'com.docker.compose.project': 'shop', tier: 'front' }),
    container('h1', 'db-1', { tier: 'back' }),
    container('h2', 'web-2'),
  ];
  const names = (map: Map<string, Container[]>) =>
    [...map.values()]
      .flat()
      .map((c) => c.name)
      .sort();

  it('keeps only what the principal may see, whatever the filters ask for', () => {
    expect(names(searchTargets(scoped, all, {}))).toEqual(['web-1']);
    expect(names(searchTargets(scoped, all, { host: 'h2' }))).toEqual([]);
    expect(names(searchTargets(scoped, all, { container: 'db-1' }))).toEqual([]);
  });

  it('filters by host, name, label (k=v or k) and compose project', () => {
    expect(names(searchTargets(admin, all, { host: 'h2' }))).toEqual(['web-2']);
    expect(names(searchTargets(admin, all, { container: 'db-1' }))).toEqual(['db-1']);
    expect(names(searchTargets(admin, all, { label: 'tier' }))).toEqual(['db-1', 'web-1']);
    expect(names(searchTargets(admin, all, { label: 'tier=back' }))).toEqual(['db-1']);
    expect(names(searchTargets(admin, all, { label: 'toString' }))).toEqual([]);
    expect(names(searchTargets(admin, all, { project: 'shop' }))).toEqual(['web-1']);
  });
});

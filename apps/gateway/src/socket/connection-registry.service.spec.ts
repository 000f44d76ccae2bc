import { ANONYMOUS_ADMIN } from '../auth/principal';
import { TokenBucket } from '../core/token-bucket';
import { SubscriptionFilter } from '../fleet/subscription-filter';
import { ClientConnection } from './client-connection';
import { ConnectionRegistry } from './connection-registry.service';
import type { FleetSocket } from './socket-types';

function connection(id: string, view?: { hosts?: string[] }): ClientConnection {
  return new ClientConnection(
    { id } as unknown as FleetSocket,
    ANONYMOUS_ADMIN,
    new TokenBucket(1, 1),
    view && { counts: true, ...view },
  );
}

const viewersOf = (registry: ConnectionRegistry, hostId: string): string[] =>
  [...registry.mayShowContainersOf(hostId)].map((c) => c.id).sort();

describe('ConnectionRegistry: the sockets that may show a host’s containers', () => {
  it('files each socket under the hosts its filter names, or under every host', () => {
    const registry = new ConnectionRegistry();
    registry.add(connection('seed'));
    registry.add(connection('one', { hosts: ['h1'] }));
    registry.add(connection('two', { hosts: ['h1', 'h2'] }));
    registry.add(connection('counts-only', {}));
    expect(viewersOf(registry, 'h1')).toEqual(['one', 'seed', 'two']);
    expect(viewersOf(registry, 'h2')).toEqual(['seed', 'two']);
    expect(viewersOf(registry, 'h3')).toEqual(['seed']);
    expect([...registry.all()]).toHaveLength(4);
  });

  it('follows a change of filter and forgets a socket that left', () => {
    const registry = new ConnectionRegistry();
    const one = connection('one', { hosts: ['h1'] });
    registry.add(one);
    registry.setFilter(one, SubscriptionFilter.from({ hosts: ['h2'] }, { view: true }));
    expect(viewersOf(registry, 'h1')).toEqual([]);
    expect(viewersOf(registry, 'h2')).toEqual(['one']);
    registry.setFilter(one, SubscriptionFilter.from({ projects: ['shop'] }, { view: true }));
    expect(viewersOf(registry, 'h9')).toEqual(['one']);
    registry.remove('one');
    expect(viewersOf(registry, 'h9')).toEqual([]);
    expect(viewersOf(registry, 'h2')).toEqual([]);
  });
});

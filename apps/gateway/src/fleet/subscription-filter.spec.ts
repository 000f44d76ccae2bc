import { COMPOSE_PROJECT_LABEL } from '@flotilla/contracts';
import type { ContainerRef } from '../auth/access-policy';
import { SubscriptionFilter } from './subscription-filter';

const a1 = 'a1'.repeat(32);
const b2 = 'b2'.repeat(32);
const c3 = 'c3'.repeat(32);

function ref(host_id: string, container_id: string, project?: string): ContainerRef {
  const labels: Record<string, string> =
    project === undefined ? {} : { [COMPOSE_PROJECT_LABEL]: project };
  return {
    host_id,
    container_id,
    labels,
  };
}

describe('SubscriptionFilter', () => {
  it('passes everything by default', () => {
    const f = SubscriptionFilter.everything;
    expect(f.passesContainer(ref('h1', a1)) && f.passesHost('h1')).toBe(true);
    expect(SubscriptionFilter.from({}).isEverything).toBe(true);
    expect(SubscriptionFilter.from({ hosts: [], containers: [], projects: [] }).isEverything).toBe(
      true,
    );
  });

  it('passes listed hosts and containers (by full id or prefix)', () => {
    const f = SubscriptionFilter.from({ hosts: ['h1'], containers: [b2.slice(0, 12)] });
    expect(f.passesContainer(ref('h1', a1))).toBe(true);
    expect(f.passesContainer(ref('h2', b2))).toBe(true);
    expect(f.passesContainer(ref('h2', a1))).toBe(false);
    expect(f.passesHost('h1')).toBe(true);
    expect(f.passesHost('h2')).toBe(false);
  });

  it('passes every host change when only containers are listed', () => {
    const f = SubscriptionFilter.from({ containers: [a1] });
    expect(f.passesHost('h9')).toBe(true);
    expect(f.passesContainer(ref('h9', b2))).toBe(false);
  });

  it('passes the containers of listed compose projects on every host, by their label', () => {
    const f = SubscriptionFilter.from({ projects: ['shop'] }, { view: true });
    expect(f.isEverything).toBe(false);
    expect(f.namesProjects).toBe(true);
    expect(f.passesContainer(ref('h1', a1, 'shop'))).toBe(true);
    expect(f.passesContainer(ref('h7', c3, 'shop'))).toBe(true);
    expect(f.passesContainer(ref('h1', b2, 'shopping'))).toBe(false);
    expect(f.passesContainer(ref('h1', b2))).toBe(false);
    // A record without labels (an action) cannot show it belongs to the project.
    expect(f.passesContainer({ host_id: 'h1', container_id: a1 })).toBe(false);
  });

  it('says which hosts could have a container that passes (the rest need not be looked at)', () => {
    expect(SubscriptionFilter.from({ hosts: ['h1', 'h1'] }, { view: true }).containerHosts).toEqual(
      ['h1'],
    );
    expect(SubscriptionFilter.from({}, { view: true }).containerHosts).toEqual([]);
    // Ids and projects may match on any host; everything passes everywhere.
    expect(
      SubscriptionFilter.from({ hosts: ['h1'], containers: [a1] }).containerHosts,
    ).toBeUndefined();
    expect(
      SubscriptionFilter.from({ projects: ['shop'] }, { view: true }).containerHosts,
    ).toBeUndefined();
    expect(SubscriptionFilter.everything.containerHosts).toBeUndefined();
  });
});

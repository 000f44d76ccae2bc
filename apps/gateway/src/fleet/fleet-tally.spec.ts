import {
  applyCountsUpdate,
  COMPOSE_PROJECT_LABEL,
  type Container,
  type HostCounts,
} from '@flotilla/contracts';
import { changed, makeContainer } from '../../test/support/fleet-fixtures';
import { FleetTally, countContainers } from './fleet-tally';

const inProject = (project: string, state: Container['state'] = 'running'): Container =>
  makeContainer('host-a', { state, labels: { [COMPOSE_PROJECT_LABEL]: project } });

describe('FleetTally', () => {
  it('counts per state and per project, and moves a container between them', () => {
    const web = inProject('shop');
    const db = inProject('shop', 'exited');
    const lone = makeContainer('host-a', { state: 'running', labels: {} });
    const tally = new FleetTally();
    tally.load('host-a', [web, db, lone]);
    expect(tally.countsOf('host-a')).toEqual({
      states: { running: 2, exited: 1 },
      projects: { shop: { running: 1, exited: 1 } },
    });
    expect([...tally.takeChanges()]).toEqual([['host-a', new Set(['shop'])]]);

    tally.apply(changed(web, { state: 'exited' }));
    expect(tally.countsOf('host-a')).toEqual({
      states: { running: 1, exited: 2 },
      projects: { shop: { exited: 2 } },
    });
    tally.apply(changed(lone, { state: 'removed' }));
    expect(tally.countsOf('host-a')?.states).toEqual({ exited: 2 });
    expect([...tally.containers('host-a')].map((c) => c.container_id).sort()).toEqual(
      [web.container_id, db.container_id].sort(),
    );
    expect([...tally.takeChanges()]).toEqual([['host-a', new Set(['shop'])]]);
    expect(tally.takeChanges().size).toBe(0);
  });

  it('ignores an event no newer than what it holds, and hosts it does not follow', () => {
    const web = inProject('shop');
    const tally = new FleetTally();
    tally.load('host-a', [changed(web, { state: 'paused' })]);
    tally.takeChanges();
    // The snapshot already held a newer state than this event carries.
    tally.apply(web);
    tally.apply(makeContainer('host-z'));
    expect(tally.countsOf('host-a')?.states).toEqual({ paused: 1 });
    expect(tally.countsOf('host-z')).toBeUndefined();
    expect(tally.takeChanges().size).toBe(0);
  });

  it('counts that a client updates with counts_update match counting afresh', () => {
    const fleet = [inProject('a'), inProject('a', 'exited'), inProject('b'), inProject('b')];
    const tally = new FleetTally();
    tally.load('host-a', fleet);
    tally.takeChanges();
    let client: Record<string, HostCounts> = { 'host-a': countContainers(fleet) };
    const now = new Map(fleet.map((c) => [c.container_id, c]));
    for (const next of [
      changed(fleet[2], { state: 'exited' }),
      changed(fleet[3], { state: 'removed' }),
      changed(fleet[1], { state: 'running' }),
    ]) {
      tally.apply(next);
      if (next.state === 'removed') now.delete(next.container_id);
      else now.set(next.container_id, next);
      for (const [hostId, projects] of tally.takeChanges()) {
        const counts = tally.countsOf(hostId)!;
        const part = {
          states: counts.states,
          projects: Object.fromEntries([...projects].map((p) => [p, counts.projects[p] ?? {}])),
        };
        client = applyCountsUpdate(client, { hosts: { [hostId]: part } });
      }
      expect(client['host-a']).toEqual(countContainers(now.values()));
    }
    expect(client['host-a'].projects).toEqual({ a: { running: 2 }, b: { exited: 1 } });
  });
});

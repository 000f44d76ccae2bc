import {
  containerCounts,
  countChanges,
  localTargets,
  presenceFor,
  tallyPresence,
} from './presence-tally';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const onA = { kind: 'container', host_id: 'h1', container_id: A } as const;
const onB = { kind: 'container', host_id: 'h1', container_id: B } as const;
const shop = { kind: 'stack', project: 'shop' } as const;

describe('presence tally', () => {
  it("groups a replica's sockets per target and user", () => {
    expect(
      localTargets([
        { target: onA, user: 'alice' },
        { target: onA, user: 'alice' },
        { target: onA, user: null },
        { target: shop, user: 'bob' },
      ]),
    ).toEqual([
      {
        target: onA,
        viewers: [
          { user: 'alice', sockets: 2 },
          { user: null, sockets: 1 },
        ],
      },
      { target: shop, viewers: [{ user: 'bob', sockets: 1 }] },
    ]);
  });

  it('merges the replicas and tells each watcher only the others', () => {
    const tally = tallyPresence([
      { replica: 'r1', targets: localTargets([{ target: onA, user: 'alice' }]) },
      {
        replica: 'r2',
        targets: localTargets([
          { target: onA, user: 'bob' },
          { target: onA, user: 'alice' },
          { target: onA, user: 'carol' },
        ]),
      },
    ]);
    const viewers = tally.get(`c/h1/${A}`);
    expect(presenceFor(onA, viewers, 'alice')).toEqual({
      target: onA,
      users: ['bob', 'carol'],
      anonymous: 0,
    });
    expect(presenceFor(onA, viewers, 'carol').users).toEqual(['alice', 'bob']);
    expect(presenceFor(onB, undefined, 'alice')).toEqual({ target: onB, users: [], anonymous: 0 });
  });

  it('counts anonymous sockets, not counting the recipient', () => {
    const tally = tallyPresence([
      { replica: 'r1', targets: localTargets([{ target: onA, user: null }]) },
      { replica: 'r2', targets: localTargets([{ target: onA, user: null }]) },
    ]);
    expect(presenceFor(onA, tally.get(`c/h1/${A}`), null)).toEqual({
      target: onA,
      users: [],
      anonymous: 1,
    });
  });

  it('counts watchers per container (users once) and reports what changed', () => {
    const before = containerCounts(
      tallyPresence([
        {
          replica: 'r1',
          targets: localTargets([
            { target: onA, user: 'alice' },
            { target: onA, user: 'alice' },
            { target: onA, user: null },
            { target: onB, user: 'bob' },
            { target: shop, user: 'bob' },
          ]),
        },
      ]),
    );
    expect([...before]).toEqual([
      [`h1/${A}`, 2],
      [`h1/${B}`, 1],
    ]);
    const after = containerCounts(
      tallyPresence([{ replica: 'r1', targets: localTargets([{ target: onA, user: 'dave' }]) }]),
    );
    expect([...countChanges(before, after)]).toEqual([
      [`h1/${A}`, 1],
      [`h1/${B}`, 0],
    ]);
    expect(countChanges(after, after).size).toBe(0);
  });
});

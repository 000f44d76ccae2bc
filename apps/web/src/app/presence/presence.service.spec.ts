import { applyCounts, othersText } from './presence.service';

describe('presence on the page', () => {
  it('says who else is here', () => {
    expect(othersText({ users: [], anonymous: 0 })).toBeNull();
    expect(othersText({ users: ['alice', 'bob'], anonymous: 0 })).toBe('alice, bob');
    expect(othersText({ users: [], anonymous: 1 })).toBe('1 other');
    expect(othersText({ users: [], anonymous: 3 })).toBe('3 others');
    expect(othersText({ users: ['alice'], anonymous: 2 })).toBe('alice and 2 others');
  });

  it('keeps watcher counts from a full set and the changes after it', () => {
    const full = applyCounts(new Map([['old/x', 9]]), {
      counts: { h1: { a: 2, b: 1 } },
      full: true,
    });
    expect([...full]).toEqual([
      ['h1/a', 2],
      ['h1/b', 1],
    ]);
    const next = applyCounts(full, { counts: { h1: { a: 0, c: 4 } } });
    expect([...next]).toEqual([
      ['h1/b', 1],
      ['h1/c', 4],
    ]);
  });
});

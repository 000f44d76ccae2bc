import { SubscriptionFilter } from './subscription-filter';

const a1 = 'a1'.repeat(32);
const b2 = 'b2'.repeat(32);

describe('SubscriptionFilter', () => {
  it('passes everything by default', () => {
    const f = SubscriptionFilter.everything;
    expect(f.passesContainer('h1', a1) && f.passesHost('h1')).toBe(true);
    expect(SubscriptionFilter.from({}).isEverything).toBe(true);
    expect(SubscriptionFilter.from({ hosts: [], containers: [] }).isEverything).toBe(true);
  });

  it('passes listed hosts and containers (by full id or prefix)', () => {
    const f = SubscriptionFilter.from({ hosts: ['h1'], containers: [b2.slice(0, 12)] });
    expect(f.passesContainer('h1', a1)).toBe(true);
    expect(f.passesContainer('h2', b2)).toBe(true);
    expect(f.passesContainer('h2', a1)).toBe(false);
    expect(f.passesHost('h1')).toBe(true);
    expect(f.passesHost('h2')).toBe(false);
  });

  it('passes every host change when only containers are listed', () => {
    const f = SubscriptionFilter.from({ containers: [a1] });
    expect(f.passesHost('h9')).toBe(true);
    expect(f.passesContainer('h9', b2)).toBe(false);
  });
});

import { MEMORY_LOGIN_ENTRIES_MAX, MemoryLoginRepository } from './memory-login.repository';
import { MemoryStore } from './memory-store';

describe('MemoryLoginRepository', () => {
  it('stays bounded under a flood of sessions and clients: expired entries go first, then the oldest', async () => {
    const store = new MemoryStore();
    const logins = new MemoryLoginRepository(store);
    await logins.openSession('expiring', 'alice', 1);
    await logins.openSession('oldest', 'alice', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < MEMORY_LOGIN_ENTRIES_MAX - 2; i++) {
      await logins.countAttempt(`client:${i}`, 1, 60_000);
    }
    expect(store.stringKeys()).toHaveLength(MEMORY_LOGIN_ENTRIES_MAX);

    await logins.openSession('newer', 'bob', 60_000);
    expect(store.stringKeys()).toHaveLength(MEMORY_LOGIN_ENTRIES_MAX);
    expect(await logins.sessionUser('oldest')).toBe('alice');

    await logins.openSession('newest', 'bob', 60_000);
    expect(store.stringKeys()).toHaveLength(MEMORY_LOGIN_ENTRIES_MAX);
    expect(await logins.sessionUser('oldest')).toBeNull();
    expect(await logins.sessionUser('newer')).toBe('bob');
    expect(await logins.sessionUser('newest')).toBe('bob');
  });
});

import { createMemoryBus, type Bus } from '@flotilla/bus';
import { AuthStore, AuthStoreUnavailableError, LOGIN_ATTEMPTS } from './auth-store.service';

describe('AuthStore over the in-memory bus', () => {
  const buses: Bus[] = [];
  const memoryStore = (): { store: AuthStore; bus: Bus } => {
    const bus = createMemoryBus();
    buses.push(bus);
    return { store: new AuthStore(bus), bus };
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
  });

  it('knows a session until it is closed or expires', async () => {
    const { store } = memoryStore();
    await store.openSession('s1', 'alice', 60_000);
    await store.openSession('s2', 'alice', -1);
    expect(await store.sessionUser('s1')).toBe('alice');
    expect(await store.sessionUser('s2')).toBeNull();
    expect(await store.sessionUser('never')).toBeNull();
    await store.closeSession('s1');
    expect(await store.sessionUser('s1')).toBeNull();
  });

  it('limits attempts per client and user, and per client in all; successes are refunded', async () => {
    const { store } = memoryStore();
    for (let i = 0; i < LOGIN_ATTEMPTS.perUser; i++)
      expect(await store.allowLoginAttempt('198.51.100.1', 'alice')).toBe(true);
    expect(await store.allowLoginAttempt('198.51.100.1', 'alice')).toBe(false);
    expect(await store.allowLoginAttempt('198.51.100.2', 'alice')).toBe(true);
    expect(await store.allowLoginAttempt('198.51.100.1', 'bob')).toBe(true);

    const { store: other } = memoryStore();
    for (let i = 0; i < 3 * LOGIN_ATTEMPTS.perUser; i++) {
      expect(await other.allowLoginAttempt('198.51.100.3', 'carol')).toBe(true);
      await other.refundLoginAttempt('198.51.100.3', 'carol');
    }
    let allowed = 0;
    for (let i = 0; i < LOGIN_ATTEMPTS.perClient + 5; i++)
      if (await other.allowLoginAttempt('198.51.100.3', `user-${i}`)) allowed++;
    expect(allowed).toBe(LOGIN_ATTEMPTS.perClient);
  });

  it('reports a store that fails as unavailable, never as "no session" or "allowed"', async () => {
    const { store, bus } = memoryStore();
    await bus.close();
    await expect(store.sessionUser('s1')).rejects.toBeInstanceOf(AuthStoreUnavailableError);
    await expect(store.allowLoginAttempt('198.51.100.4', 'dave')).rejects.toBeInstanceOf(
      AuthStoreUnavailableError,
    );
  });
});

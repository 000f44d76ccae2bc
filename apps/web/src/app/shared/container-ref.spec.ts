import { HOST_A, HOST_B, cid, container } from '../../testing/fixtures';
import { containerPresence, isIdReference, resolveContainer } from './container-ref';

describe('resolveContainer', () => {
  const web = container({ container_id: cid('ab1'), name: '/web' });
  const api = container({ container_id: cid('ab2'), name: 'api' });
  // A name that is also a prefix of another container's id.
  const hexName = container({ container_id: cid('c3'), name: cid('ab1').slice(0, 12) });
  const otherHost = container({ container_id: cid('ab3'), host_id: HOST_B, name: 'web' });
  const all = [web, api, hexName, otherHost];

  it('takes a full id, then an exact name (with or without "/"), then a unique id prefix', () => {
    expect(resolveContainer(all, HOST_A, web.container_id)).toEqual({
      kind: 'found',
      container: web,
    });
    expect(resolveContainer(all, HOST_A, 'web')).toEqual({ kind: 'found', container: web });
    expect(resolveContainer(all, HOST_A, '/api')).toEqual({ kind: 'found', container: api });
    expect(resolveContainer(all, HOST_B, 'web')).toEqual({ kind: 'found', container: otherHost });
    expect(resolveContainer(all, HOST_A, cid('c3').slice(0, 12))).toEqual({
      kind: 'found',
      container: hexName,
    });
  });

  it('prefers a name over an id prefix, as the Docker CLI does', () => {
    expect(resolveContainer(all, HOST_A, cid('ab1').slice(0, 12))).toEqual({
      kind: 'found',
      container: hexName,
    });
  });

  it('lists the candidates of an ambiguous prefix, and finds nothing on another host', () => {
    expect(resolveContainer(all, HOST_A, 'ab')).toEqual({ kind: 'ambiguous', matches: [web, api] });
    expect(resolveContainer(all, HOST_B, 'api')).toEqual({ kind: 'none' });
    expect(resolveContainer(all, HOST_A, '')).toEqual({ kind: 'none' });
  });

  it('tells the references the server takes (ids, prefixes) from names', () => {
    expect(isIdReference(cid('ab1').slice(0, 12))).toBe(true);
    expect(isIdReference('web')).toBe(false);
    expect(isIdReference('ab')).toBe(false);
  });
});

describe('containerPresence', () => {
  const web = container({ container_id: cid('ab1'), name: '/web' });
  const oldDb = container({ container_id: cid('ab2'), name: 'db', state: 'removed' });
  const gone = container({ container_id: cid('c3'), name: 'gone', state: 'removed' });
  const newDb = container({ container_id: cid('d4'), name: 'db' });
  const otherHost = container({ container_id: cid('e5'), host_id: HOST_B, name: 'api' });

  it('is present when the reference names any container not removed, by id, name or prefix', () => {
    const all = [web, oldDb, gone, newDb, otherHost];
    expect(containerPresence(all, HOST_A, web.container_id)).toBe('present');
    expect(containerPresence(all, HOST_A, 'web')).toBe('present');
    expect(containerPresence(all, HOST_A, '/web')).toBe('present');
    // An ambiguous prefix that names a live container is present: the gateway says the rest.
    expect(containerPresence(all, HOST_A, 'ab')).toBe('present');
    // Recreated under the same name: the removed one does not hide the new one.
    expect(containerPresence(all, HOST_A, 'db')).toBe('present');
  });

  it('is removed when everything the reference names was removed', () => {
    const all = [web, oldDb, gone, newDb];
    expect(containerPresence(all, HOST_A, 'gone')).toBe('removed');
    expect(containerPresence(all, HOST_A, cid('c3').slice(0, 12))).toBe('removed');
    expect(containerPresence(all, HOST_A, oldDb.container_id)).toBe('removed');
  });

  it('is absent when the reference names nothing on that host', () => {
    const all = [web, oldDb, otherHost];
    expect(containerPresence(all, HOST_A, 'api')).toBe('absent');
    expect(containerPresence(all, HOST_B, 'web')).toBe('absent');
    expect(containerPresence(all, HOST_A, '')).toBe('absent');
    expect(containerPresence([], HOST_A, 'web')).toBe('absent');
  });

  it('agrees with resolveContainer over the containers not removed, then over all', () => {
    const all = [web, oldDb, gone, newDb, otherHost];
    const live = all.filter((c) => c.state !== 'removed');
    for (const hostId of [HOST_A, HOST_B])
      for (const ref of ['web', '/web', 'db', 'gone', 'api', 'ab', 'c', cid('ab2'), 'zz', '']) {
        const expected =
          resolveContainer(live, hostId, ref).kind !== 'none'
            ? 'present'
            : resolveContainer(all, hostId, ref).kind !== 'none'
              ? 'removed'
              : 'absent';
        expect([hostId, ref, containerPresence(all, hostId, ref)]).toEqual([hostId, ref, expected]);
      }
  });
});

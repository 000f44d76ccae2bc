import { HOST_A, HOST_B, cid, container } from '../../testing/fixtures';
import { isIdReference, resolveContainer } from './container-ref';

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

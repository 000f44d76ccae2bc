import { CONTAINER_ID_OR_PREFIX, type Container } from '@flotilla/contracts/core';

/** What a link's container reference (`/containers/<host>/<ref>`) names on a host. */
export type ContainerLookup =
  | { kind: 'found'; container: Container }
  | { kind: 'ambiguous'; matches: Container[] }
  | { kind: 'none' };

/**
 * Resolves a reference as the Docker CLI does: a full id, else an exact name (with or without
 * Docker's leading `/`), else an id prefix that only one container of the host starts with.
 */
export function resolveContainer(
  containers: Iterable<Container>,
  hostId: string,
  ref: string,
): ContainerLookup {
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  const byPrefix: Container[] = [];
  let byName: Container | undefined;
  for (const c of containers) {
    if (c.host_id !== hostId) continue;
    if (c.container_id === ref) return { kind: 'found', container: c };
    if ((c.name.startsWith('/') ? c.name.slice(1) : c.name) === name) byName ??= c;
    else if (ref !== '' && c.container_id.startsWith(ref)) byPrefix.push(c);
  }
  if (byName) return { kind: 'found', container: byName };
  const [only, ...more] = byPrefix;
  if (!only) return { kind: 'none' };
  return more.length === 0
    ? { kind: 'found', container: only }
    : { kind: 'ambiguous', matches: byPrefix };
}

/** Whether a reference names a container of the host that exists, only removed ones, or none. */
export type ContainerPresence = 'present' | 'removed' | 'absent';

/**
 * What `resolveContainer` would find for `ref`, in one pass: `present` when it names any container
 * not removed (found or ambiguous), `removed` when everything it names was removed, `absent` when
 * it names nothing.
 */
export function containerPresence(
  containers: Iterable<Container>,
  hostId: string,
  ref: string,
): ContainerPresence {
  const name = ref.startsWith('/') ? ref.slice(1) : ref;
  let removed = false;
  for (const c of containers) {
    if (c.host_id !== hostId) continue;
    const named =
      c.container_id === ref ||
      (c.name.startsWith('/') ? c.name.slice(1) : c.name) === name ||
      (ref !== '' && c.container_id.startsWith(ref));
    if (!named) continue;
    if (c.state !== 'removed') return 'present';
    removed = true;
  }
  return removed ? 'removed' : 'absent';
}

/** Whether the server can take the reference as it is (an id or id prefix, not a name). */
export function isIdReference(ref: string): boolean {
  return CONTAINER_ID_OR_PREFIX.test(ref);
}

import type { Container } from '../src/core';

/**
 * A valid container with every field filled, for tests in every package (the browser's too: it
 * needs only types). A test sets in `over` what it is about.
 */
export function sampleContainer(over: Partial<Container> = {}): Container {
  return {
    container_id: 'a'.repeat(64),
    host_id: 'host-a',
    name: 'web-1',
    image: 'busybox:latest',
    state: 'running',
    status: 'Up 3 seconds',
    created: '2026-11-25T10:00:00.000Z',
    started_at: '2026-11-25T10:00:01.000Z',
    finished_at: null,
    exit_code: null,
    labels: {},
    ports: [],
    health: 'none',
    tty: false,
    revision: 1,
    ...over,
  };
}

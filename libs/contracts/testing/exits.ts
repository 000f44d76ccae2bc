import type { ExitRecord } from '../src/core';

/** A valid exit record (a crash with two lines), for tests; `over` sets what a test is about. */
export function sampleExit(over: Partial<ExitRecord> = {}): ExitRecord {
  return {
    v: 1,
    host_id: 'host-a',
    container_id: 'a'.repeat(64),
    name: 'web',
    labels: { 'com.docker.compose.project': 'shop' },
    image: 'busybox:latest',
    exit_code: 1,
    oom_killed: false,
    signal: null,
    finished_at: '2026-11-25T10:00:02.000000000Z',
    restart_count: 0,
    health: [],
    lines: [
      { ts: '2026-11-25T10:00:01.000000000Z', stream: 'stdout', text: 'starting' },
      { ts: '2026-11-25T10:00:02.000000000Z', stream: 'stderr', text: 'fatal: no config' },
    ],
    ...over,
  };
}

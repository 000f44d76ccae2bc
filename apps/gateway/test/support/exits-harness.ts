import Redis from 'ioredis';
import type { Container } from '@flotilla/contracts';
import { SECRET, writeUsers } from '../security/security-fixtures';
import { announceHost } from './fleet-fixtures';
import { startHarness, type Harness } from './gateway-harness';

/**
 * Two replicas in users mode for exit records and crash loops (3 exits within `window`): `admin`
 * sees every container, carol (a viewer) only `web-*`; each host announced with its containers.
 * `raw` is a plain Redis connection, for writing what an agent could forge.
 */
export async function startExitsHarness(options: {
  admin: string;
  window: string;
  hosts: [hostId: string, containers: Container[]][];
}): Promise<{ h: Harness; raw: Redis }> {
  const usersFile = writeUsers([
    { user: options.admin, role: 'admin' },
    { user: 'carol', role: 'viewer', scopes: { containers: ['web-*'] } },
  ]);
  const h = await startHarness({
    replicas: 2,
    env: {
      AUTH_MODE: 'users',
      USERS_FILE: usersFile,
      SESSION_SECRET: SECRET,
      CRASH_LOOP_EXITS: '3',
      CRASH_LOOP_WINDOW: options.window,
    },
  });
  const raw = new Redis(h.redis.url);
  try {
    for (const [hostId, containers] of options.hosts) await announceHost(h.bus, hostId, containers);
  } catch (error: unknown) {
    // The caller gets nothing to clean up: what was started here ends here.
    raw.disconnect();
    await h.close();
    throw error;
  }
  return { h, raw };
}

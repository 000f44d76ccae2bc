/**
 * `npm run agent-acl -- --apply` (scripts/agent-acl.ts) sets the ACL on the one node its URL
 * names: it refuses a cluster or sentinel address rather than leave the other nodes without it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

jest.setTimeout(60_000);

function applyWith(env: Record<string, string>): { status: number | null; stderr: string } {
  const result = spawnSync('npx', ['tsx', 'scripts/agent-acl.ts', '--apply', 'host-a'], {
    cwd: root,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      AGENT_REDIS_PASSWORD: 'a-password',
      ...env,
    },
  });
  return { status: result.status, stderr: result.stderr };
}

describe('agent-acl --apply', () => {
  it.each(['cluster', 'sentinel'])(
    'refuses REDIS_MODE=%s and says to apply on each node',
    (mode) => {
      // Nothing listens on port 1: a run that tried to connect would fail with another message.
      const { status, stderr } = applyWith({ REDIS_MODE: mode, REDIS_URL: 'redis://127.0.0.1:1' });
      expect(status).toBe(2);
      expect(stderr).toMatch(`REDIS_MODE=${mode}`);
      expect(stderr).toMatch(/ACLs are per node, so run --apply once for each node/);
    },
  );
});

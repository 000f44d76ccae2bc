/*
 * The Redis ACL confining one docker agent to its host.
 *   npm run agent-acl -- <host id>            prints the ACL SETUSER line
 *   npm run agent-acl -- --apply <host id>    runs it on $REDIS_URL (an admin's URL), then ACL SAVE
 *                                             (one node: run it on each node of a cluster)
 */
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { agentAclArgs, agentAclLine } from '../apps/gateway/src/auth/agent-acl';

const args = process.argv.slice(2);
const apply = args[0] === '--apply';
const hostId = apply ? args[1] : args[0];
if (!hostId || hostId.startsWith('-')) {
  process.stderr.write(
    'usage: npm run agent-acl -- [--apply] <host id>\n' +
      'Prints the ACL SETUSER line for user agent-<host id>; the password is $AGENT_REDIS_PASSWORD or a new random one.\n' +
      'With --apply, runs it on $REDIS_URL and saves the ACL file (when Redis has one).\n' +
      'Give the agent REDIS_URL=redis://agent-<host id>:<password>@redis:6379\n',
  );
  process.exit(2);
}
const password = process.env.AGENT_REDIS_PASSWORD ?? randomBytes(24).toString('hex');

async function applyAcl(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  try {
    await redis.connect();
    await redis.call('ACL', 'SETUSER', ...agentAclArgs(hostId, password));
    try {
      await redis.call('ACL', 'SAVE');
      process.stderr.write(`agent-${hostId}: ACL set and saved\n`);
    } catch (error: unknown) {
      // A Redis without an ACL file keeps the user until it restarts: say so, it is not fatal.
      process.stderr.write(
        `agent-${hostId}: ACL set, not saved (${error instanceof Error ? error.message : String(error)})\n`,
      );
    }
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  if (apply) {
    // ACL SETUSER and ACL SAVE act on the one node they reach: a cluster or a replicated setup
    // needs the user on every node, each addressed on its own.
    const mode = process.env.REDIS_MODE;
    if (mode && mode !== 'single')
      throw new Error(
        `--apply sets the ACL on one Redis node only (REDIS_MODE=${mode}): ACLs are per node, so ` +
          'run --apply once for each node, with REDIS_URL set to that node and REDIS_MODE unset',
      );
    const url = process.env.REDIS_URL;
    if (!url) throw new Error('--apply needs REDIS_URL (a user allowed to run ACL)');
    if (!process.env.AGENT_REDIS_PASSWORD)
      throw new Error('--apply needs AGENT_REDIS_PASSWORD (the agent must be given it too)');
    await applyAcl(url);
    return;
  }
  process.stdout.write(`${agentAclLine(hostId, password)}\n`);
  if (!process.env.AGENT_REDIS_PASSWORD)
    process.stderr.write(
      `# agent REDIS_URL: redis://agent-${hostId}:${password}@<redis host>:6379\n`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});

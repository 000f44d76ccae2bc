/* Prints the Redis ACL confining one docker agent to its host: npm run agent-acl -- <host id> */
import { randomBytes } from 'node:crypto';
import { agentAclLine } from '../apps/gateway/src/auth/agent-acl';

const hostId = process.argv[2];
if (!hostId || hostId.startsWith('-')) {
  process.stderr.write(
    'usage: npm run agent-acl -- <host id>\n' +
      'Prints the ACL SETUSER line for user agent-<host id>; the password is $AGENT_REDIS_PASSWORD or a new random one.\n' +
      'Give the agent REDIS_URL=redis://agent-<host id>:<password>@redis:6379\n',
  );
  process.exit(2);
}
const password = process.env.AGENT_REDIS_PASSWORD ?? randomBytes(24).toString('hex');
try {
  process.stdout.write(`${agentAclLine(hostId, password)}\n`);
  if (!process.env.AGENT_REDIS_PASSWORD)
    process.stderr.write(
      `# agent REDIS_URL: redis://agent-${hostId}:${password}@<redis host>:6379\n`,
    );
} catch (error: unknown) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}

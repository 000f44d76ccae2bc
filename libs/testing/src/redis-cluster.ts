/** A throwaway Redis Cluster of three masters for a test suite. */
import { redisCli, infoFields } from './redis-cli';
import { startRedis, type RedisHandle } from './redis-server';
import { waitFor } from './wait';

export interface RedisClusterHandle {
  /** Every node as a comma-separated seed list, the form `REDIS_MODE=cluster` reads. */
  readonly url: string;
  /** The masters, in the order their slot ranges were assigned. */
  readonly nodes: readonly RedisHandle[];
  /** Stops every node and deletes their directories. */
  close(): Promise<void>;
}

/**
 * Starts three `redis-server --cluster-enabled yes` on free ports, joins them with
 * `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes` and resolves once every node
 * reports `cluster_state:ok` and knows all three.
 */
export async function startRedisCluster(
  opts: { masters?: number; startTimeoutMs?: number } = {},
): Promise<RedisClusterHandle> {
  const count = opts.masters ?? 3;
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  const nodes: RedisHandle[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.close()));
  };
  try {
    for (let i = 0; i < count; i++) {
      nodes.push(
        await startRedis({
          args: [
            '--cluster-enabled',
            'yes',
            // Relative to the server's own directory.
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
          ],
        }),
      );
    }
    await redisCli(nodes[0].port, [
      '--cluster',
      'create',
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const node of nodes) {
      await waitFor(
        async () => {
          const info = infoFields(await redisCli(node.port, ['CLUSTER', 'INFO']));
          return (
            info.get('cluster_state') === 'ok' && info.get('cluster_known_nodes') === String(count)
          );
        },
        { timeoutMs, intervalMs: 100, message: `cluster node on port ${node.port} to be ok` },
      );
    }
  } catch (error: unknown) {
    await close();
    throw error;
  }
  return {
    url: nodes.map((node) => node.url).join(','),
    nodes,
    close,
  };
}

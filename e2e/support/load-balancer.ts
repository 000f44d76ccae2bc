/**
 * A tiny TCP load balancer in front of the gateway replicas, so the page has one URL. Each
 * incoming connection goes to the next backend in round-robin order; a backend that refuses
 * the connection (a dead replica) is skipped for the next one. Bytes are piped both ways as
 * they are: HTTP, and the WebSocket that stays on the backend it was opened on. When either
 * side of a pair closes, the other is cut — which is what a browser sees when its replica dies.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

export interface LoadBalancer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Backend ports, in round-robin order. */
  backends(): number[];
  setBackends(ports: number[]): void;
  /** Open client connections per backend port. */
  openConnections(): Record<number, number>;
  close(): Promise<void>;
}

export async function startLoadBalancer(
  backendPorts: number[],
  host = '127.0.0.1',
): Promise<LoadBalancer> {
  let backends = [...backendPorts];
  let next = 0;
  const pairs = new Set<{ client: Socket; upstream?: Socket; port?: number }>();

  /** Connects to the first backend, from the round-robin position, that accepts. */
  const dial = (
    tried: number,
    onConnected: (upstream: Socket, port: number) => void,
    onFailed: () => void,
  ): void => {
    if (tried >= backends.length) {
      onFailed();
      return;
    }
    const port = backends[next++ % backends.length];
    const upstream = connect({ host, port });
    const refused = (): void => {
      upstream.destroy();
      dial(tried + 1, onConnected, onFailed);
    };
    upstream.once('error', refused);
    upstream.once('connect', () => {
      upstream.off('error', refused);
      onConnected(upstream, port);
    });
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    const pair: { client: Socket; upstream?: Socket; port?: number } = { client };
    pairs.add(pair);
    const cut = (): void => {
      pairs.delete(pair);
      client.destroy();
      pair.upstream?.destroy();
    };
    client.on('error', cut);
    client.on('close', cut);
    dial(
      0,
      (upstream, port) => {
        if (!pairs.has(pair)) {
          upstream.destroy(); // the client left while we dialled
          return;
        }
        pair.upstream = upstream;
        pair.port = port;
        upstream.setNoDelay(true);
        client.setNoDelay(true);
        upstream.on('error', cut);
        upstream.on('close', cut);
        client.pipe(upstream);
        upstream.pipe(client);
      },
      cut,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    port,
    backends: () => [...backends],
    setBackends(ports) {
      backends = [...ports];
    },
    openConnections() {
      const counts: Record<number, number> = {};
      for (const pair of pairs)
        if (pair.port !== undefined) counts[pair.port] = (counts[pair.port] ?? 0) + 1;
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of [...pairs]) {
          pair.client.destroy();
          pair.upstream?.destroy();
        }
        pairs.clear();
        server.close(() => resolve());
      }),
  };
}

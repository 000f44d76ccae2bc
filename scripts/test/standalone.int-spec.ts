/**
 * `npm start` as a newcomer runs it: a clean clone of this commit, `npm ci`, then `npm start`
 * with no Redis. It builds (no dist/ yet), serves the dashboard, and a socket.io-client sees
 * `connection_established`, then `initial_state` listing a container started on the local
 * engine. SIGTERM stops it with status 0. Slow by nature (install and build): one test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, testContainers, waitFor } from '@flotilla/testing';
import { TestClient } from '../../apps/gateway/test/support/test-client';

const repo = join(__dirname, '../..');

/** Resolves once `child` has exited, or with false after `timeoutMs`. */
function exitOf(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${(result.stderr ?? '').slice(-4000)}`,
    );
  }
}

describe('npm start (standalone, from a clean clone)', () => {
  const containers = testContainers();
  let dir: string | undefined;
  let server: ChildProcess | undefined;
  let output = '';
  let client: TestClient | undefined;

  afterAll(async () => {
    client?.close();
    if (server?.pid && server.exitCode === null && server.signalCode === null) {
      try {
        process.kill(-server.pid, 'SIGKILL'); // its whole process group: npm, node
      } catch {
        // already gone
      }
    }
    await containers.removeAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('installs, builds, serves the page and the live fleet of the local engine, and stops on SIGTERM', async () => {
    const t0 = Date.now();
    const mark = (what: string): void =>
      void process.stdout.write(
        `standalone: ${what} after ${Math.round((Date.now() - t0) / 1000)} s\n`,
      );
    dir = mkdtempSync(join(tmpdir(), 'flotilla-clone-'));
    const head = spawnSync('git', ['rev-parse', 'HEAD'], {
      cwd: repo,
      encoding: 'utf8',
    }).stdout.trim();
    run('git', ['clone', '--quiet', '--no-checkout', repo, dir], repo);
    run('git', ['checkout', '--quiet', '--detach', head], dir);
    run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    mark('npm ci');

    const container = await containers.create('echo standalone; while true; do sleep 3600; done');
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST_ID: `standalone-${process.pid}`,
      LOG_LEVEL: 'log',
    };
    delete env.REDIS_URL;
    delete env.WEB_DIST;
    delete env.NODE_OPTIONS;
    server = spawn('npm', ['start'], {
      cwd: dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on(
      'data',
      (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)),
    );
    server.stderr?.on(
      'data',
      (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)),
    );
    const url = `http://127.0.0.1:${port}`;

    const page = await waitFor(
      async () => {
        if (server?.exitCode !== null)
          throw new Error(`npm start exited with ${server?.exitCode}:\n${output.slice(-3000)}`);
        const response = await fetch(`${url}/`);
        return response.ok ? response.text() : undefined;
      },
      { timeoutMs: 600_000, intervalMs: 500, message: `the page on ${url}` },
    ).catch((error: unknown) => {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}\n--- output ---\n${output.slice(-3000)}`,
      );
    });
    mark('page served (build included)');
    expect(page).toMatch(/<title>Flotilla<\/title>/);
    expect(page).toMatch(/<flo-root/);
    // Standalone: structured logs (stdout is a pipe, so JSON lines) and no Redis anywhere.
    expect(output).toMatch(/"msg":"standalone: no REDIS_URL/);

    client = await TestClient.connect(url, { waitInitial: false });
    const initial = await client
      .waitFor(
        'initial_state',
        (s) => s.containers.some((c) => container.id.startsWith(c.container_id)),
        30_000,
      )
      .catch(async () => {
        // The agent may have listed the engine just before the container started: reconnect once.
        client?.close();
        client = await waitFor(
          async () => {
            const again = await TestClient.connect(url);
            const ok = again
              .all('initial_state')[0]
              .containers.some((c) => container.id.startsWith(c.container_id));
            if (!ok) again.close();
            return ok ? again : undefined;
          },
          { timeoutMs: 30_000, message: 'initial_state listing the container' },
        );
        return client.all('initial_state')[0];
      });
    expect(client.received[0].event).toBe('connection_established');
    expect(client.received[1].event).toBe('initial_state');
    expect(initial.hosts.map((h) => h.host_id)).toContain(`standalone-${process.pid}`);
    mark('initial_state received');

    // SIGTERM to the process group, as a terminal's Ctrl-C or a service manager does: npm itself
    // dies of the signal without passing it on, the gateway under it stops in order, exit 0.
    process.kill(-server.pid!, 'SIGTERM');
    const exited = await exitOf(server, 20_000);
    expect(exited).toBe(true);
    expect(server.exitCode === 0 || server.signalCode === 'SIGTERM').toBe(true);
    await waitFor(() => /"context":"Main","msg":"stopped"/.test(output), {
      timeoutMs: 20_000,
      message: 'the gateway to stop',
    }).catch(() => {
      throw new Error(`no orderly stop:\n${output.slice(-3000)}`);
    });
    expect(output).toMatch(/SIGTERM received, stopping/);
    // Nothing of it is left running.
    await waitFor(
      () => {
        try {
          process.kill(-server!.pid!, 0);
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 15_000, message: 'the process group to be gone' },
    );
    mark('stopped');
  }, 1_200_000);
});

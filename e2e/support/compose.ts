/**
 * docker-compose.yml, for real: the images built from deploy/*.Dockerfile on the base images
 * scripts/ci/build-base-images.sh made (FLOTILLA_*_IMAGE; the public ones otherwise), the stack
 * started under a project name of its own on a free port, its first admin created with the
 * documented command, and `down -v` whatever happened.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@flotilla/testing';

const ROOT = join(__dirname, '../..');
const ADMIN_PASSWORD = 'compose-admin-password';

export interface ComposeRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ComposeStack {
  project: string;
  url: string;
  hostId: string;
  compose(args: string[], input?: string): Promise<ComposeRun>;
  /** The id of the container of `service` (e.g. `gateway-1`). */
  containerOf(service: string): Promise<string>;
  /** The service whose container has the replica id `serverId` (`gw-<hostname>-…`). */
  serviceOfReplica(serverId: string): Promise<string>;
  waitHealthy(service: string, timeoutMs?: number): Promise<void>;
  /** Logs `admin` in through the load balancer: its session token. */
  login(): Promise<string>;
  down(): Promise<void>;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<ComposeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

async function must(p: Promise<ComposeRun>, what: string): Promise<ComposeRun> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.stderr.slice(-4000)}`);
  return r;
}

/** Builds and starts the stack; the admin `admin` exists before the gateways start. */
export async function startCompose(): Promise<ComposeStack> {
  const project = `flotilla-ci-${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  const configDir = mkdtempSync(join(tmpdir(), 'flotilla-compose-'));
  // As an operator's ./config is: the gateways run as uid 1000 and must reach users.json in it.
  chmodSync(configDir, 0o755);
  const socket = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(
    /^unix:\/\//,
    '',
  );
  const hostId = 'compose-ci';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    COMPOSE_PROJECT_NAME: project,
    FLOTILLA_SESSION_SECRET: randomBytes(32).toString('hex'),
    FLOTILLA_REDIS_PASSWORD: randomBytes(24).toString('hex'),
    FLOTILLA_AGENT_REDIS_PASSWORD: randomBytes(24).toString('hex'),
    FLOTILLA_PORT: String(port),
    FLOTILLA_PUBLIC_URL: `http://127.0.0.1:${port}`,
    FLOTILLA_CONFIG_DIR: configDir,
    FLOTILLA_HOST_ID: hostId,
    FLOTILLA_DOCKER_SOCKET: socket,
    DOCKER_GID: String(statSync(socket).gid),
  };
  const compose = (args: string[], input?: string) => run('docker-compose', args, env, input);

  const down = async (): Promise<void> => {
    await compose(['down', '-v', '--remove-orphans', '--timeout', '5']);
    rmSync(configDir, { recursive: true, force: true });
  };
  // The network's fixed subnet: a project a crashed run left behind would block this one.
  for (const net of (await run('docker', ['network', 'ls', '--format', '{{.Name}}'], env)).stdout
    .split('\n')
    .filter((n) => /^flotilla-ci-[0-9a-f]{6}_default$/.test(n))) {
    await run('docker-compose', ['down', '-v', '--timeout', '1'], {
      ...env,
      COMPOSE_PROJECT_NAME: net.replace(/_default$/, ''),
    });
  }

  const containerOf = async (service: string): Promise<string> => {
    const id = (await must(compose(['ps', '-q', service]), `ps ${service}`)).stdout.trim();
    if (!id) throw new Error(`no container for ${service}`);
    return id;
  };
  const stack: ComposeStack = {
    project,
    url: `http://127.0.0.1:${port}`,
    hostId,
    compose,
    containerOf,
    async serviceOfReplica(serverId) {
      for (const service of ['gateway-1', 'gateway-2']) {
        const id = await containerOf(service);
        if (serverId.startsWith(`gw-${id.slice(0, 12)}-`)) return service;
      }
      throw new Error(`no gateway container runs replica ${serverId}`);
    },
    async waitHealthy(service, timeoutMs = 120_000) {
      await waitFor(
        async () => {
          const id = await containerOf(service).catch(() => '');
          if (!id) return false;
          const r = await run('docker', ['inspect', '-f', '{{.State.Health.Status}}', id], env);
          return r.stdout.trim() === 'healthy';
        },
        { timeoutMs, intervalMs: 500, message: `${service} healthy` },
      );
    },
    async login() {
      const res = await fetch(`${stack.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'admin', password: ADMIN_PASSWORD }),
      });
      const body = (await res.json().catch(() => ({}))) as { token?: string };
      if (res.status !== 200 || !body.token) throw new Error(`login: ${res.status}`);
      return body.token;
    },
    down,
  };
  try {
    await must(compose(['build']), 'docker-compose build');
    // The documented first-admin command (README, "Run a fleet").
    await must(
      compose(
        ['run', '--rm', '-T', 'tools', 'add', 'admin', '--role', 'admin'],
        `${ADMIN_PASSWORD}\n`,
      ),
      'creating the first admin',
    );
    await must(compose(['up', '-d']), 'docker-compose up');
    for (const service of ['redis', 'gateway-1', 'gateway-2', 'load-balancer', 'agent'])
      await stack.waitHealthy(service);
    return stack;
  } catch (error) {
    const logs = await compose(['logs', '--no-color', '--tail', '40']);
    await down();
    throw new Error(
      `${(error as Error).message}\n--- compose logs ---\n${logs.stdout.slice(-6000)}`,
    );
  }
}

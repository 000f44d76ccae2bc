/**
 * Labelled, disposable test containers. Every container carries `flotilla.test=<run id>`
 * and its owner (host and pid), so cleanup can find it even after a crashed run.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import { TEST_IMAGE, dockerEngine, dockerStatus } from './docker-engine';
import { isAlive } from './processes';
import { ensureTestImage } from './test-image';
import { describeError } from '@flotilla/logging';

export const TEST_LABEL = 'flotilla.test';
export const OWNER_LABEL = 'flotilla.test.owner';

export interface TestContainerOptions {
  name?: string;
  tty?: boolean;
  labels?: Record<string, string>;
  /** Start it right away (default true). */
  autoStart?: boolean;
  /** Run under docker-init so SIGTERM stops it at once (default true; busybox sh as PID 1 ignores it). */
  init?: boolean;
  env?: Record<string, string>;
  image?: string;
  /** A memory limit in bytes (`docker run --memory`); none by default. */
  memory?: number;
  /** Docker's restart policy (`docker run --restart=always`); none by default. */
  restart?: 'always' | 'unless-stopped' | 'on-failure';
  /** A health check (`docker run --health-cmd …`); the image's (none) by default. */
  healthcheck?: Docker.HealthConfig;
}

export interface TestContainers {
  /** The value of the `flotilla.test` label on this manager's containers. */
  readonly runId: string;
  readonly docker: Docker;
  /** Creates (and by default starts) a container running `sh -c script`. */
  create(script: string, opts?: TestContainerOptions): Promise<Docker.Container>;
  /** A `listContainers` filter matching this manager's containers. */
  filters(): { label: string[] };
  /** Force-removes one container; a missing one is fine. */
  remove(id: string): Promise<void>;
  /** Force-removes every container of this run. Failures are logged and returned, not thrown. */
  removeAll(): Promise<string[]>;
}

const OWNER = `${hostname()}/${process.pid}`;

function newRunId(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Force-removes a container; 404 (gone) and 409 (removal under way) count as success. */
async function forceRemove(docker: Docker, id: string): Promise<string | undefined> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
    return undefined;
  } catch (error: unknown) {
    const status = dockerStatus(error);
    if (status === 404 || status === 409) return undefined;
    const reason = describeError(error);
    console.warn(`test container ${id}: removal failed: ${reason}`);
    return `${id}: ${reason}`;
  }
}

/** A manager for containers created on `docker` from the test image. */
export function testContainers(docker: Docker = dockerEngine()): TestContainers {
  const runId = newRunId();
  const created = new Set<string>();
  let imageReady: Promise<void> | undefined;
  const filters = (): { label: string[] } => ({ label: [`${TEST_LABEL}=${runId}`] });

  return {
    runId,
    docker,
    filters,
    async create(script, opts = {}) {
      const image = opts.image ?? TEST_IMAGE;
      if (image === TEST_IMAGE) await (imageReady ??= ensureTestImage(docker));
      const container = await docker.createContainer({
        Image: image,
        name: opts.name,
        Cmd: ['sh', '-c', script],
        Tty: opts.tty ?? false,
        Env: Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`),
        Labels: { ...opts.labels, [TEST_LABEL]: runId, [OWNER_LABEL]: OWNER },
        Healthcheck: opts.healthcheck,
        HostConfig: {
          Init: opts.init ?? true,
          NetworkMode: 'none',
          Memory: opts.memory,
          ...(opts.restart !== undefined ? { RestartPolicy: { Name: opts.restart } } : {}),
        },
      });
      created.add(container.id);
      if (opts.autoStart ?? true) await container.start();
      return container;
    },
    async remove(id) {
      const failure = await forceRemove(docker, id);
      if (!failure) created.delete(id);
    },
    async removeAll() {
      // Also catch containers labelled with this run by someone else (e.g. code under test).
      const ids = new Set(created);
      try {
        for (const c of await docker.listContainers({ all: true, filters: filters() }))
          ids.add(c.Id);
      } catch (error: unknown) {
        console.warn(`test containers ${runId}: listing failed: ${String(error)}`);
      }
      const failures = (await Promise.all([...ids].map((id) => forceRemove(docker, id)))).filter(
        (f): f is string => f !== undefined,
      );
      for (const id of ids) if (!failures.some((f) => f.startsWith(id))) created.delete(id);
      return failures;
    },
  };
}

/**
 * Removes test containers left by earlier runs that crashed: those whose owner process on
 * this host is gone. Containers of runs still going (other test processes) are kept.
 */
export async function sweepStaleTestContainers(docker: Docker = dockerEngine()): Promise<number> {
  const host = hostname();
  const stale = (
    await docker.listContainers({ all: true, filters: { label: [TEST_LABEL] } })
  ).filter((c) => {
    const [ownerHost, pid] = (c.Labels[OWNER_LABEL] ?? '').split('/');
    if (ownerHost !== host) return !c.Labels[OWNER_LABEL]; // another host's: not ours to judge
    return !isAlive(Number(pid));
  });
  await Promise.all(stale.map((c) => forceRemove(docker, c.Id)));
  return stale.length;
}

export interface UseTestContainersOptions {
  /** When to remove this file's containers: after each test or after all (default). */
  cleanup?: 'afterEach' | 'afterAll';
}

/**
 * Jest wrapper: sweeps stale containers and readies the image before the file's tests, and
 * removes every container it created after each test or after all of them, pass or fail.
 * `docker` may be a getter for engines that only exist once a `beforeAll` has run.
 */
export function useTestContainers(
  docker: Docker | (() => Docker) = dockerEngine(),
  { cleanup = 'afterAll' }: UseTestContainersOptions = {},
): TestContainers {
  const engine = (): Docker => (typeof docker === 'function' ? docker() : docker);
  let manager: TestContainers | undefined;
  const current = (): TestContainers => (manager ??= testContainers(engine()));
  beforeAll(async () => {
    await sweepStaleTestContainers(engine());
    await ensureTestImage(engine());
  }, 60_000);
  if (cleanup === 'afterEach') afterEach(() => current().removeAll(), 30_000);
  afterAll(() => current().removeAll(), 30_000);
  // Delegate lazily: the engine behind a getter is only known once tests run.
  return {
    get runId() {
      return current().runId;
    },
    get docker() {
      return current().docker;
    },
    create: (script, opts) => current().create(script, opts),
    filters: () => current().filters(),
    remove: (id) => current().remove(id),
    removeAll: () => current().removeAll(),
  };
}

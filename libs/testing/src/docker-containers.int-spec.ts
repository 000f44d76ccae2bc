import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import {
  OWNER_LABEL,
  TEST_IMAGE,
  TEST_LABEL,
  dockerEngine,
  dockerStatus,
  expectedLines,
  printLines,
  printLinesToStderr,
  readContainerLog,
  sweepStaleTestContainers,
  ticker,
  toLines,
  useTestContainers,
  waitFor,
  waitForContainerExit,
} from '@flotilla/testing';

jest.setTimeout(30_000);

const docker = dockerEngine();
const containers = useTestContainers(docker, { cleanup: 'afterEach' });

const exists = async (id: string): Promise<boolean> => {
  try {
    await docker.getContainer(id).inspect();
    return true;
  } catch (error: unknown) {
    if (dockerStatus(error) === 404) return false;
    throw error;
  }
};

describe('test containers on the default engine', () => {
  it('print known lines that the log API returns exactly', async () => {
    const container = await containers.create(
      `${printLines(3, 'hello')}; ${printLinesToStderr(1, 'oops')}`,
      {
        labels: { purpose: 'proof' },
      },
    );
    await expect(waitForContainerExit(container)).resolves.toBe(0);

    const log = await readContainerLog(container);
    expect(toLines(log.stdout)).toEqual(expectedLines(3, 'hello'));
    expect(toLines(log.stderr)).toEqual(['oops 1']);

    const listed = await docker.listContainers({ all: true, filters: containers.filters() });
    expect(listed.map((c) => c.Id)).toEqual([container.id]);
    expect(listed[0].Labels).toMatchObject({ purpose: 'proof', [TEST_LABEL]: containers.runId });
    expect(listed[0].Image).toBe(TEST_IMAGE);
  });

  it('stream a TTY log raw and stop at once under docker-init', async () => {
    const container = await containers.create(ticker('tick', 0.05), { tty: true });
    await waitFor(async () => toLines((await readContainerLog(container)).stdout).length >= 3, {
      message: 'three ticks',
    });
    expect(toLines((await readContainerLog(container)).stdout).slice(0, 3)).toEqual(
      expectedLines(3, 'tick'),
    );
    const started = Date.now();
    await container.stop({ t: 10 });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('are removed by removeAll, idempotently', async () => {
    const kept = await containers.create(printLines(1), { autoStart: false });
    expect((await kept.inspect()).State.Status).toBe('created');
    await expect(containers.removeAll()).resolves.toEqual([]);
    await expect(exists(kept.id)).resolves.toBe(false);
    await expect(containers.removeAll()).resolves.toEqual([]);
    await expect(containers.remove(kept.id)).resolves.toBeUndefined();
  });

  it('left by a crashed run are swept, those of live runs are kept', async () => {
    const gone = spawnSync('true').pid; // a pid that no longer runs
    const orphan = await docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: ['sh', '-c', 'exit 0'],
      Labels: { [TEST_LABEL]: 'crashed-run', [OWNER_LABEL]: `${hostname()}/${gone}` },
    });
    const live = await containers.create(printLines(1), { autoStart: false });
    try {
      await expect(sweepStaleTestContainers(docker)).resolves.toBeGreaterThanOrEqual(1);
      await expect(exists(orphan.id)).resolves.toBe(false);
      await expect(exists(live.id)).resolves.toBe(true);
    } finally {
      await orphan.remove({ force: true }).catch(() => undefined);
    }
  });
});

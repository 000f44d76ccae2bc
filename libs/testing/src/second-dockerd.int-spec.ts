import { existsSync, readdirSync, readFileSync } from 'node:fs';
import {
  dockerEngine,
  expectedLines,
  printLines,
  readContainerLines,
  startSecondDockerd,
  testContainers,
  ticker,
  waitFor,
  waitForContainerExit,
  type SecondDockerd,
} from '@flotilla/testing';

jest.setTimeout(60_000);

/** Pids of processes whose command line mentions `text` (dockerd, containerd, shims). */
const processesMentioning = (text: string): number[] =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);

describe('startSecondDockerd', () => {
  let engine: SecondDockerd;

  beforeAll(async () => {
    engine = await startSecondDockerd();
  });

  afterAll(async () => {
    await engine?.close();
  });

  it('is a separate engine on a short unix socket', async () => {
    expect(engine.socketPath.length).toBeLessThan(108);
    type Info = { ID: string; DockerRootDir: string; Containers: number };
    const info = (await engine.docker.info()) as Info;
    const mainInfo = (await dockerEngine().info()) as Info;
    expect(info).toMatchObject({ DockerRootDir: `${engine.dir}/data`, Containers: 0 });
    expect(info.ID).not.toBe(mainInfo.ID);
    await expect(engine.docker.listContainers({ all: true })).resolves.toEqual([]);
  });

  it('runs the test image', async () => {
    const containers = testContainers(engine.docker);
    try {
      const container = await containers.create(printLines(3, 'second'));
      await expect(waitForContainerExit(container)).resolves.toBe(0);
      await expect(readContainerLines(container)).resolves.toEqual(expectedLines(3, 'second'));
      const listed = await engine.docker.listContainers({
        all: true,
        filters: containers.filters(),
      });
      expect(listed.map((c) => c.Id)).toEqual([container.id]);
    } finally {
      await containers.removeAll();
    }
  });

  it('comes back after a crash; containers that ran are found exited', async () => {
    const containers = testContainers(engine.docker);
    const container = await containers.create(ticker('beat', 0.1));
    await engine.kill();
    expect(engine.running).toBe(false);
    await expect(engine.docker.ping()).rejects.toThrow();

    await engine.restart();
    await expect(engine.docker.ping()).resolves.toBeTruthy();
    // No live-restore: the new dockerd replaces the orphaned containerd, and the container dies.
    await waitFor(async () => !(await container.inspect()).State.Running, {
      message: 'container to be exited',
    });
    await containers.removeAll();
  });

  it('close leaves no process, mount or directory behind', async () => {
    const containers = testContainers(engine.docker);
    await containers.create(ticker('left-running', 1));
    await engine.kill(); // worst case: dockerd gone, containerd, shim and container orphaned
    await engine.close();
    expect(existsSync(engine.dir)).toBe(false);
    expect(processesMentioning(`${engine.dir}/`)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(engine.dir);
  });
});

/**
 * Builds the busybox test image inside an engine when it lacks it, the same way `.ci/run`
 * does (no registry is reachable): a tarball of /bin/busybox and its applet links, imported.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { TEST_IMAGE, dockerStatus } from './docker-engine';

const BUSYBOX = '/bin/busybox'; // Debian's busybox-static: the image has no libc

export async function hasImage(docker: Docker, image = TEST_IMAGE): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error: unknown) {
    if (dockerStatus(error) === 404) return false;
    throw error;
  }
}

function busyboxRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'flotilla-image-'));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'tmp'), { mode: 0o1777 });
  copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
  const list = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`${BUSYBOX} --list failed: ${list.stderr}`);
  for (const applet of list.stdout.split('\n').filter((a) => a && a !== 'busybox')) {
    symlinkSync('busybox', join(root, 'bin', applet));
  }
  return root;
}

/** Imports the busybox test image into `docker` unless it is already there. */
export async function ensureTestImage(docker: Docker, image = TEST_IMAGE): Promise<void> {
  if (await hasImage(docker, image)) return;
  const colon = image.lastIndexOf(':');
  const [repo, tag] =
    colon > image.lastIndexOf('/')
      ? [image.slice(0, colon), image.slice(colon + 1)]
      : [image, 'latest'];
  const root = busyboxRoot();
  try {
    const tar = spawn('tar', ['-C', root, '--owner=0', '--group=0', '-c', '.'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const progress = await docker.importImage(tar.stdout, { repo, tag });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(progress, (error: Error | null) =>
        error ? reject(error) : resolve(),
      ),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  if (!(await hasImage(docker, image))) throw new Error(`importing ${image} did not create it`);
}

/**
 * The built web app the gateways serve: rebuilt when missing or older than its sources, and
 * copied per suite so that a rebuild by another process mid-run cannot pull files from under
 * the page (Angular empties the output folder before it writes the new bundle).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const WEB_DIST = join(REPO_ROOT, 'dist/apps/web/browser');
const LOCK = join(tmpdir(), 'flotilla-web-build.lock');

/** What the bundle is built from (specs and test doubles are not). */
const SOURCES = ['apps/web/src', 'apps/web/public', 'libs/contracts/src'];
const SOURCE_FILES = ['angular.json', 'apps/web/tsconfig.app.json', 'apps/web/tsconfig.json'];
const NOT_BUILT = /(\.spec\.ts|\.int-spec\.ts|\/testing\/.*|\/test-setup\.ts)$/;

function newestSource(): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (path: string): void => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (!NOT_BUILT.test(path) && stat.mtimeMs > newest.mtimeMs) {
      newest = { file: path, mtimeMs: stat.mtimeMs };
    }
  };
  for (const dir of [...SOURCES, ...SOURCE_FILES]) visit(join(REPO_ROOT, dir));
  return newest;
}

/** Why the build must be redone, or null when it is up to date. */
export function webBuildStaleness(): string | null {
  const index = join(WEB_DIST, 'index.html');
  const built = statSync(index, { throwIfNoEntry: false });
  if (!built) return `${index} is missing`;
  const newest = newestSource();
  if (newest.mtimeMs > built.mtimeMs) return `${newest.file} is newer than ${index}`;
  return null;
}

/** Runs `npm run build:web` when the build is missing or stale; one build at a time on this machine. */
export function ensureWebBuild(log: (line: string) => void = () => undefined): void {
  const reason = webBuildStaleness();
  if (!reason) return;
  log(`building the web app (${reason})`);
  const result = spawnSync('flock', ['-w', '600', LOCK, 'npm', 'run', '--silent', 'build:web'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    throw new Error(
      `npm run build:web failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error(`the build did not write ${WEB_DIST}`);
}

/** The script and style files index.html loads. */
function referencedFiles(indexHtml: string): string[] {
  return [...indexHtml.matchAll(/(?:src|href)="([^":]+\.(?:js|css))"/g)].map((m) => m[1]);
}

/** A private copy of the build (complete: every file index.html loads is there); delete it when done. */
export function snapshotWebBuild(): string {
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-e2e-web-'));
    // Under the build lock (shared): never a half-written bundle of a build started from here.
    const copy = spawnSync('flock', ['-s', '-w', '600', LOCK, 'cp', '-a', `${WEB_DIST}/.`, dir], {
      encoding: 'utf8',
    });
    const index = join(dir, 'index.html');
    const complete =
      copy.status === 0 &&
      existsSync(index) &&
      referencedFiles(readFileSync(index, 'utf8')).every((file) => existsSync(join(dir, file)));
    if (complete) return dir;
    rmSync(dir, { recursive: true, force: true });
    if (attempt === 3)
      throw new Error(`could not copy a complete web build from ${WEB_DIST}: ${copy.stderr}`);
    ensureWebBuild();
  }
}

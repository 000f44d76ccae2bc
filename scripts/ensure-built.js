/**
 * Builds the apps (`npm run build`: agent, gateway, web) when their output is missing or older
 * than the sources. Used by `npm start` and `npm run fleet`; `node scripts/ensure-built.js`
 * runs it alone.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const GATEWAY_MAIN = path.join(root, 'dist/apps/gateway/apps/gateway/src/main.js');
/** The gateway's build, which holds the agent's code too (standalone runs both). */
const GATEWAY_DIST = path.join(root, 'dist/apps/gateway/apps');
const OUTPUTS = [
  GATEWAY_MAIN,
  path.join(root, 'dist/apps/docker-agent/main.js'),
  path.join(root, 'dist/apps/web/browser/index.html'),
];
const SOURCES = [
  'apps/gateway/src',
  'apps/docker-agent/src',
  'apps/web/src',
  'libs',
  'scripts/build-agent.js',
  'package-lock.json',
  'angular.json',
  'nest-cli.json',
  'tsconfig.base.json',
];

/** Newest modification time under `target` (ms), tests skipped. */
function newest(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.(spec|int-spec|e2e-spec)\.ts$/.test(target) ? 0 : stat.mtimeMs;
  let max = 0;
  for (const entry of fs.readdirSync(target)) {
    if (entry === 'node_modules') continue;
    max = Math.max(max, newest(path.join(target, entry)));
  }
  return max;
}

/** Why a build is needed, or null when the output is up to date. */
function buildReason() {
  const built = OUTPUTS.map((file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0));
  if (built.some((t) => t === 0)) return 'no build output yet';
  const sources = Math.max(...SOURCES.map((s) => newest(path.join(root, s))));
  return sources > Math.min(...built) ? 'sources changed since the last build' : null;
}

/** Runs `npm run build` if needed; throws when the build fails (its output says why). */
function ensureBuilt() {
  const reason = buildReason();
  if (!reason) return;
  process.stderr.write(`flotilla: building (${reason}): npm run build\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0)
    throw new Error(
      `the build failed (npm run build exited with ${build.status ?? build.signal}); see its output above`,
    );
}

/** For the command-line entries: builds if needed, or exits 1 with one line when that fails. */
function ensureBuiltOrExit() {
  try {
    ensureBuilt();
  } catch (error) {
    process.stderr.write(`flotilla: ${error.message}\n`);
    process.exit(1);
  }
}

module.exports = { ensureBuilt, ensureBuiltOrExit, buildReason, GATEWAY_MAIN, GATEWAY_DIST, root };

if (require.main === module) ensureBuiltOrExit();

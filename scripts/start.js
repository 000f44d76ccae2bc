#!/usr/bin/env node
/**
 * `npm start`: builds the apps when their output is missing or older than the sources, then runs
 * the gateway (dist/…/main.js) in this process. Without REDIS_URL that is standalone Flotilla:
 * the dashboard on http://localhost:8080 (PORT) for the local Docker engine (DOCKER_HOST).
 * Arguments are passed on: `npm start -- --help`.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const GATEWAY_MAIN = path.join(root, 'dist/apps/gateway/apps/gateway/src/main.js');
/** What the build produces, and the sources each depends on. */
const OUTPUTS = [
  GATEWAY_MAIN,
  path.join(root, 'dist/apps/docker-agent/apps/docker-agent/src/main.js'),
  path.join(root, 'dist/apps/web/browser/index.html'),
];
const SOURCES = ['apps/gateway/src', 'apps/docker-agent/src', 'apps/web/src', 'libs', 'package-lock.json', 'angular.json', 'nest-cli.json', 'tsconfig.base.json'];

/** Newest modification time under `target` (ms), skipping tests. */
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

function buildNeeded() {
  const built = OUTPUTS.map((file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0));
  if (built.some((t) => t === 0)) return 'no build output yet';
  const sources = Math.max(...SOURCES.map((s) => newest(path.join(root, s))));
  return sources > Math.min(...built) ? 'sources changed since the last build' : null;
}

const helpOnly = process.argv.includes('--help') || process.argv.includes('-h');
const reason = buildNeeded();
if (reason && !(helpOnly && fs.existsSync(GATEWAY_MAIN))) {
  process.stderr.write(`flotilla: building (${reason}): npm run build\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) {
    process.stderr.write('flotilla: the build failed; see above\n');
    process.exit(build.status ?? 1);
  }
}

process.chdir(root);
require(GATEWAY_MAIN);

#!/usr/bin/env node
/**
 * `npm run check`: the fast gate, run first in CI and before every commit. ESLint, the type
 * checker over every tsconfig (Node code, the web app with its specs, e2e), Prettier and the
 * unit tiers (no Redis, no Docker), two at a time so a 2-core machine stays busy. Prints each
 * step's output when it fails, and exits non-zero if any step failed.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const steps = [
  ['eslint', bin('eslint'), ['--cache', '--cache-location', 'node_modules/.cache/eslint/', '.']],
  ['unit tests', bin('jest'), ['--selectProjects', 'unit', 'web']],
  ['tsc (node)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['tsc (web)', bin('tsc'), ['-p', 'apps/web/tsconfig.json', '--noEmit']],
  ['tsc (e2e)', bin('tsc'), ['-p', 'e2e/tsconfig.json', '--noEmit']],
  ['prettier', bin('prettier'), ['--check', '--log-level', 'warn', '.']],
];
const parallel = Number(process.env.CHECK_JOBS ?? 2);

function run([name, command, args]) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ name, ok: false, output: String(err), started }));
    child.on('close', (code) => resolve({ name, ok: code === 0, output, started }));
  });
}

async function main() {
  const queue = [...steps];
  const results = [];
  const worker = async () => {
    for (let step = queue.shift(); step; step = queue.shift()) {
      const result = await run(step);
      const seconds = ((Date.now() - result.started) / 1000).toFixed(1);
      process.stdout.write(`check: ${result.ok ? 'ok  ' : 'FAIL'} ${result.name} (${seconds} s)\n`);
      if (!result.ok) process.stdout.write(`${result.output}\n`);
      results.push(result);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  if (failed.length > 0) {
    process.stdout.write(`check: failed: ${failed.join(', ')}\n`);
    process.exit(1);
  }
}

void main();

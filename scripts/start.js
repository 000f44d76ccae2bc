#!/usr/bin/env node
/**
 * `npm start`: builds the apps when their output is missing or older than the sources, then runs
 * the gateway (dist/…/main.js) in this process. Without REDIS_URL that is standalone Flotilla:
 * the dashboard on http://localhost:8080 (PORT) for the local Docker engine (DOCKER_HOST).
 * Arguments are passed on: `npm start -- --help`.
 */
const fs = require('node:fs');
const { ensureBuiltOrExit, GATEWAY_MAIN, root } = require('./ensure-built');

const helpOnly = process.argv.includes('--help') || process.argv.includes('-h');
if (!(helpOnly && fs.existsSync(GATEWAY_MAIN))) ensureBuiltOrExit();
process.chdir(root);
require(GATEWAY_MAIN);

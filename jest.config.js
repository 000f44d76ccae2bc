/**
 * The test tiers, selected by file suffix (`npm test` runs them all):
 * - unit: `*.spec.ts` in Node, and the web app's specs in jsdom; no Redis, no Docker.
 * - integration: `*.int-spec.ts`, against real redis-server processes and dockerd engines.
 * - e2e: `*.e2e-spec.ts`, Chromium against the whole stack.
 */
const path = require('node:path');
const nodeProject = require('./jest.node.js');

module.exports = {
  // A global option (jest ignores it in a project): component specs compile templates and unit
  // specs start workers, which on a busy 2-core machine can take longer than the default 5 s.
  testTimeout: 30_000,
  projects: [
    nodeProject('unit', ['**/*.spec.ts']),
    require('./apps/web/jest.config.js'),
    nodeProject('integration', ['**/*.int-spec.ts'], { slowTestThreshold: 60 }),
    nodeProject('e2e', ['<rootDir>/e2e/**/*.e2e-spec.ts'], {
      transform: {
        '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'e2e/tsconfig.json') }],
      },
      globalSetup: '<rootDir>/e2e/support/global-setup.ts',
      slowTestThreshold: 30,
    }),
  ],
};

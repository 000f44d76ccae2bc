/**
 * End-to-end tests: Chromium (playwright-core) against the real stack — a private redis-server,
 * an in-process agent on the main dockerd, two gateway replicas behind a TCP load balancer.
 * globalSetup builds the web app when dist/apps/web/browser is missing or older than its sources.
 */
const path = require('node:path');

module.exports = require('../jest.node.js')(__dirname, 'e2e', {
  testMatch: ['<rootDir>/**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.json') }],
  },
  globalSetup: '<rootDir>/support/global-setup.ts',
  slowTestThreshold: 30,
});

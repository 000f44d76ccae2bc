/** Shared jest settings for the Node test tiers (libs, gateway, agent, scripts, bench). */
const path = require('node:path');

const root = __dirname;

/**
 * A Node project over the source folders, matching one file suffix: `*.spec.ts` (unit, no
 * services), `*.int-spec.ts` (real Redis and Docker) or `*.e2e-spec.ts` (a real browser).
 */
module.exports = function nodeProject(displayName, testMatch, extra = {}) {
  return {
    displayName,
    rootDir: root,
    roots: [
      '<rootDir>/libs',
      '<rootDir>/apps/gateway',
      '<rootDir>/apps/docker-agent',
      '<rootDir>/scripts',
      '<rootDir>/e2e',
    ],
    testEnvironment: 'node',
    testMatch,
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.jest.json') }],
    },
    moduleNameMapper: {
      '^@flotilla/contracts$': path.join(root, 'libs/contracts/src/index.ts'),
      '^@flotilla/contracts/core$': path.join(root, 'libs/contracts/src/core.ts'),
      '^@flotilla/contracts/testing$': path.join(root, 'libs/contracts/testing/index.ts'),
      '^@flotilla/bus$': path.join(root, 'libs/bus/src/index.ts'),
      '^@flotilla/bus/testing$': path.join(root, 'libs/bus/testing/index.ts'),
      '^@flotilla/bus/socket-io$': path.join(root, 'libs/bus/src/socket-io-adapter.ts'),
      '^@flotilla/testing$': path.join(root, 'libs/testing/src/index.ts'),
      '^@flotilla/logging$': path.join(root, 'libs/logging/src/index.ts'),
      '^@flotilla/logging/service-process$': path.join(root, 'libs/logging/src/service-process.ts'),
      '^@flotilla/agent$': path.join(root, 'apps/docker-agent/src/index.ts'),
    },
    ...extra,
  };
};

/** Shared jest settings for the Node projects (libs, gateway, agent). */
const path = require('node:path');

module.exports = function nodeProject(dir, displayName, extra = {}) {
  return {
    displayName,
    rootDir: dir,
    testEnvironment: 'node',
    testMatch: [
      '<rootDir>/**/*.spec.ts',
      '<rootDir>/**/*.int-spec.ts',
      '<rootDir>/**/*.e2e-spec.ts',
    ],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }],
    },
    moduleNameMapper: {
      '^@flotilla/contracts$': path.join(__dirname, 'libs/contracts/src/index.ts'),
      '^@flotilla/bus$': path.join(__dirname, 'libs/bus/src/index.ts'),
      '^@flotilla/testing$': path.join(__dirname, 'libs/testing/src/index.ts'),
      '^@flotilla/logging$': path.join(__dirname, 'libs/logging/src/index.ts'),
    },
    ...extra,
  };
};

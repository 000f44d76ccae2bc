/** The dashboard's specs: Angular 21, zoneless, in jsdom. */
const path = require('node:path');
const { createCjsPreset } = require('jest-preset-angular/presets');

module.exports = {
  ...createCjsPreset({ tsconfig: path.join(__dirname, 'tsconfig.spec.json') }),
  displayName: 'web',
  rootDir: __dirname,
  testEnvironment: 'jsdom',
  setupFilesAfterEnv: ['<rootDir>/src/test-setup.ts'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  moduleNameMapper: {
    '^@flotilla/contracts/core$': path.join(__dirname, '../../libs/contracts/src/core.ts'),
    '^@flotilla/contracts/testing$': path.join(__dirname, '../../libs/contracts/testing/index.ts'),
  },
};

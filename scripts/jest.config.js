/**
 * Tests of what the repository ships around the apps: the compose file and Dockerfiles
 * (validated without pulling images), `npm start` from a clean clone, and `npm run fleet`.
 */
module.exports = require('../jest.node.js')(__dirname, 'scripts', {
  testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
  slowTestThreshold: 60,
});

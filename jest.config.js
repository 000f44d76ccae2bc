/** Every project's own jest config (libs/*, apps/*, e2e, scripts); `npm test` runs them all. */
const fs = require('node:fs');
const path = require('node:path');

const projects = ['libs', 'apps'].flatMap((group) =>
  fs
    .readdirSync(path.join(__dirname, group))
    .map((name) => path.join(__dirname, group, name, 'jest.config.js'))
    .filter((file) => fs.existsSync(file)),
);
// e2e (the browser against the stack) and scripts (deployment files, npm start, npm run fleet).
for (const dir of ['e2e', 'scripts']) {
  const config = path.join(__dirname, dir, 'jest.config.js');
  if (fs.existsSync(config)) projects.push(config);
}

module.exports = { projects };

/** Every project's own jest config (libs/*, apps/*, e2e); `npm test` runs them all. */
const fs = require('node:fs');
const path = require('node:path');

const projects = ['libs', 'apps'].flatMap((group) =>
  fs
    .readdirSync(path.join(__dirname, group))
    .map((name) => path.join(__dirname, group, name, 'jest.config.js'))
    .filter((file) => fs.existsSync(file)),
);
const e2e = path.join(__dirname, 'e2e', 'jest.config.js');
if (fs.existsSync(e2e)) projects.push(e2e);

module.exports = { projects };

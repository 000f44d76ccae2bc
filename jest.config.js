/** Every project's own jest config (libs/*, apps/*); `npm test` runs them all. */
const fs = require('node:fs');
const path = require('node:path');

const projects = ['libs', 'apps'].flatMap((group) =>
  fs
    .readdirSync(path.join(__dirname, group))
    .map((name) => path.join(__dirname, group, name, 'jest.config.js'))
    .filter((file) => fs.existsSync(file)),
);

module.exports = { projects };

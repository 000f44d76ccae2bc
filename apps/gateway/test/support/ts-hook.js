/**
 * Lets plain `node` run the gateway's TypeScript sources, as ts-jest does in tests: each file is
 * transpiled on its own (decorator metadata included, which Nest's injection needs) and the
 * `@flotilla/*` aliases resolve to the libraries' sources. Tests and benchmarks use it to run
 * replicas in child processes, where memory can be measured apart from the test itself.
 *
 *   node -r ./apps/gateway/test/support/ts-hook.js apps/gateway/test/support/replica-process.ts
 */
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
let ts = require('typescript');

const root = path.resolve(__dirname, '../../../..');

const base = ts.readConfigFile(path.join(root, 'tsconfig.base.json'), ts.sys.readFile).config;
/** `@flotilla/*` → the library's source, from the paths of tsconfig.base.json. */
const aliases = Object.fromEntries(
  Object.entries(base.compilerOptions.paths ?? {}).map(([name, [target]]) => [
    name,
    path.join(root, target),
  ]),
);
const { options } = ts.convertCompilerOptionsFromJson(base.compilerOptions, root);
const compilerOptions = {
  ...options,
  module: ts.ModuleKind.CommonJS,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
  declaration: false,
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, aliases[request] ?? request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  if (!ts) throw new Error(`ts-hook was released; cannot load ${filename}`);
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};

/**
 * Drops the compiler once every module is loaded, so a process measured for memory does not
 * carry TypeScript's ~100 MiB.
 */
globalThis.__releaseTsHook = () => {
  ts = undefined;
  const isTs = (key) => key.includes(`${path.sep}node_modules${path.sep}typescript${path.sep}`);
  for (const key of Object.keys(require.cache)) {
    const cached = require.cache[key];
    if (cached?.children) cached.children = cached.children.filter((child) => !isTs(child.id));
    if (isTs(key)) delete require.cache[key];
  }
};

import { build } from 'esbuild';
const stub = (names) => ({
  name: 'stub',
  setup(b) {
    const re = new RegExp('^(' + names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|') + ')(/|$)');
    b.onResolve({ filter: re }, (a) => ({ path: a.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({
      contents: `const fail = () => { throw new Error(${JSON.stringify(a.path + ' is not in the agent bundle')}); }; const p = new Proxy(function () {}, { get: (t, k) => (k === '__esModule' ? false : k === 'then' ? undefined : p), apply: fail, construct: fail }); module.exports = p;`,
      loader: 'js',
    }));
  },
});
const names = process.argv.slice(3);
await build({
  entryPoints: ['apps/docker-agent/src/main.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  outfile: process.argv[2],
  external: ['cpu-features', '*.node', 'class-validator', 'class-transformer'],
  logLevel: 'error',
  plugins: [
    stub(names),
    {
      name: 'nest',
      setup(b) {
        b.onResolve({ filter: /^@nestjs\/common$/ }, (a) => ({ path: 'nest', namespace: 'nest' }));
        b.onLoad({ filter: /.*/, namespace: 'nest' }, () => ({
          loader: 'js',
          contents:
            'class Logger { constructor(c){this.c=c} log(m){process.stdout.write(m+"\\n")} error(m){process.stderr.write(m+"\\n")} warn(m){this.log(m)} debug(){} verbose(){} static overrideLogger(){} } module.exports={Logger};',
        }));
      },
    },
  ],
  minify: true,
  keepNames: true,
});

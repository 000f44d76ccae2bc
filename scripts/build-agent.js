/**
 * `npm run build:agent`: the agent as one bundled file, `dist/apps/docker-agent/main.js`
 * (esbuild, minified; names are kept, so stack traces stay readable without a source map).
 *
 * One file loads faster and maps fewer pages than a tree of modules, and modules the agent can
 * never use are left out: in their place a stub that throws a clear error if ever called. The
 * build fails if anything imports a framework or Socket.IO module. Why and what it saves:
 * docs/benchmarks.md, "Agent".
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const AGENT_MAIN = path.join(root, 'dist/apps/docker-agent/main.js');

/**
 * Modules reachable through dockerode that the agent never runs: gRPC and protobuf serve only
 * BuildKit sessions (`docker build`), ssh2 (and its native cpu-features) only `ssh://` engines,
 * which the agent's DOCKER_HOST does not accept (unix:// and tcp:// only).
 */
const STUBBED = ['@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'ssh2', 'cpu-features'];

/** What must never be bundled: the agent loads no framework and no Socket.IO. */
const FORBIDDEN = ['@nestjs', 'reflect-metadata', 'socket.io', 'socket.io-client', '@socket.io'];

const escape = (name) => name.replace(/[/.]/g, '\\$&');

/** Fails the build, naming the importer, when a forbidden module is imported. */
const forbidden = {
  name: 'flotilla-agent-forbidden',
  setup(build) {
    const filter = new RegExp(`^(${FORBIDDEN.map(escape).join('|')})(/|$)`);
    build.onResolve({ filter }, (args) => ({
      errors: [
        { text: `${args.path} must not be in the agent bundle (imported by ${args.importer})` },
      ],
    }));
  },
};

/** Resolves each stubbed module (and its subpaths) to a stand-in that fails when used. */
const stubs = {
  name: 'flotilla-agent-stubs',
  setup(build) {
    const filter = new RegExp(`^(${STUBBED.map(escape).join('|')})(/|$)`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'agent-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'agent-stub' }, (args) => ({
      loader: 'js',
      // Every property is the stub again (loading and reading a property at module load work);
      // calling or constructing anything throws, naming the module.
      contents: `
        const message = ${JSON.stringify(`${args.path} is not part of the Flotilla agent bundle (see scripts/build-agent.js)`)};
        const fail = () => { throw new Error(message); };
        const stub = new Proxy(function () {}, {
          get: (_t, key) => (key === '__esModule' || key === 'then' ? undefined : stub),
          apply: fail,
          construct: fail,
        });
        module.exports = stub;`,
    }));
  },
};

/**
 * Builds the bundle; rejects when the build fails or a forbidden module is in it. Resolves to
 * esbuild's metafile. `entry` (default: the agent's main) is for tests.
 */
async function buildAgent({ outfile = AGENT_MAIN, entry = 'apps/docker-agent/src/main.ts' } = {}) {
  const { build } = require('esbuild');
  // Nothing of an earlier build layout lingers beside the bundle.
  if (outfile === AGENT_MAIN) fs.rmSync(path.dirname(AGENT_MAIN), { recursive: true, force: true });
  const result = await build({
    entryPoints: [path.resolve(root, entry)],
    tsconfig: path.join(root, 'apps/docker-agent/tsconfig.app.json'),
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    // Error names (AbortError, ConfigError…) and class names in logs stay readable.
    keepNames: true,
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [forbidden, stubs],
  });
  return result.metafile;
}

module.exports = { buildAgent };

if (require.main === module) {
  buildAgent().catch((error) => {
    process.stderr.write(`build:agent: ${error.message}\n`);
    process.exit(1);
  });
}

/**
 * `npm run build:agent` (scripts/build-agent.js): the agent bundle holds no framework and no
 * Socket.IO, and the modules left out fail loudly if anything ever calls them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Metafile {
  inputs: Record<string, unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildAgent } = require('../build-agent') as {
  buildAgent(options: { outfile: string; entry?: string }): Promise<Metafile>;
};

const root = join(__dirname, '../..');

jest.setTimeout(180_000);

describe('the agent bundle', () => {
  let dir: string;
  // Inside the repository (dist/, ignored by git), so scratch entries resolve its node_modules.
  beforeEach(() => {
    mkdirSync(join(root, 'dist'), { recursive: true });
    dir = mkdtempSync(join(root, 'dist', 'agent-bundle-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Bundles a scratch entry written into the temporary directory. */
  function bundle(source: string): Promise<Metafile> {
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, source);
    return buildAgent({ outfile: join(dir, 'out.js'), entry });
  }

  it('is one file without Nest, reflect-metadata or Socket.IO, the unusable modules stubbed', async () => {
    const outfile = join(dir, 'main.js');
    const { inputs } = await buildAgent({ outfile });
    const files = Object.keys(inputs);
    expect(files.filter((f) => /@nestjs|reflect-metadata|socket\.io/.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('agent-stub:')).sort()).toEqual(
      expect.arrayContaining(['agent-stub:@grpc/grpc-js', 'agent-stub:ssh2']),
    );
    expect(files.some((f) => /node_modules\/(ssh2|@grpc)\//.test(f))).toBe(false);
    expect(statSync(outfile).size).toBeLessThan(2 * 1024 * 1024);
    // It runs: `--help` prints the agent's configuration.
    const help = spawnSync(process.execPath, [outfile, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('REDIS_URL');
  });

  it('fails the build when the agent would load the framework', async () => {
    await expect(bundle(`import '@nestjs/common';\n`)).rejects.toThrow(
      /@nestjs\/common must not be in the agent bundle/,
    );
  });

  it('keeps @flotilla/bus free of Socket.IO (the adapter is @flotilla/bus/socket-io)', async () => {
    const { inputs } = await bundle(`export * from '@flotilla/bus';\n`);
    expect(Object.keys(inputs).filter((f) => /socket\.io|socket-io/.test(f))).toEqual([]);
  });

  it('throws a clear error when a stubbed module is used', async () => {
    await bundle(`import { Client } from 'ssh2';\nnew Client();\n`);
    const run = spawnSync(process.execPath, [join(dir, 'out.js')], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('ssh2 is not part of the Flotilla agent bundle');
  });
});

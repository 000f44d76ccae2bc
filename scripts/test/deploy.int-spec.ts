/**
 * docker-compose.yml and the Dockerfiles in deploy/, checked without building or pulling
 * images: `docker-compose config -q` (Debian's docker-compose, which CI installs), the
 * variables each service sets are ones its app reads, and each Dockerfile is multi-stage, runs
 * as a non-root user and names only paths that exist in the repository or the build output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_CONFIG_HELP as AGENT_HELP } from '@flotilla/agent';
import {
  CONFIG_HELP as GATEWAY_HELP,
  loadGatewayConfig,
} from '../../apps/gateway/src/config/gateway.config';
import { OriginPolicy } from '../../apps/gateway/src/config/origin-policy';

const root = join(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require('../ensure-built') as { ensureBuilt(): void };

/** The variable names an app's `--help` lists under "Environment:". */
function documentedVariables(help: string): Set<string> {
  const section = help.slice(help.indexOf('Environment:'));
  return new Set([...section.matchAll(/^ {2}([A-Z][A-Z0-9_]*)\s/gm)].map((m) => m[1]));
}

/** `service -> environment variable names` of the compose file (block-style `environment:` maps). */
function composeEnvironment(text: string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let service: string | undefined;
  let inEnv = false;
  let inServices = false;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inServices = line.startsWith('services:');
    if (!inServices) continue;
    const svc = /^ {2}([a-z0-9_-]+):/.exec(line);
    if (svc) {
      service = svc[1];
      inEnv = false;
      continue;
    }
    if (/^ {4}\S/.test(line)) inEnv = /^ {4}environment:\s*$/.test(line);
    const variable = inEnv && service ? /^ {6}([A-Z][A-Z0-9_]*):/.exec(line) : null;
    if (variable && service) result.set(service, [...(result.get(service) ?? []), variable[1]]);
  }
  return result;
}

interface Stage {
  from: string;
  instructions: Array<{ op: string; args: string }>;
}

/** The stages of a Dockerfile (comments dropped, continuation lines joined). */
function stages(file: string): Stage[] {
  const text = readFileSync(join(root, file), 'utf8').replace(/\\\n/g, ' ');
  const result: Stage[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!op) continue;
    if (op.toUpperCase() === 'FROM') result.push({ from: args, instructions: [] });
    else result[result.length - 1]?.instructions.push({ op: op.toUpperCase(), args });
  }
  return result;
}

/** The arguments of an exec-form (JSON array) instruction. */
const execForm = (args: string): string[] => JSON.parse(args) as string[];

/** The secrets docker-compose.yml requires (it refuses to start without them). */
const composeEnv = {
  ...process.env,
  FLOTILLA_SESSION_SECRET: 'a'.repeat(64),
  FLOTILLA_REDIS_PASSWORD: 'b'.repeat(48),
  FLOTILLA_AGENT_REDIS_PASSWORD: 'c'.repeat(48),
};

describe('deployment files', () => {
  beforeAll(() => {
    ensureBuilt(); // the CMD and COPY paths must exist in the build output
  }, 900_000);

  it('docker-compose.yml is valid for docker-compose', () => {
    const version = spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' });
    if (version.error) {
      throw new Error(
        "docker-compose is not installed (scripts/ci/install-packages.sh installs Debian's docker-compose)",
      );
    }
    const check = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], {
      cwd: root,
      encoding: 'utf8',
      env: composeEnv,
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const services = execFileSync(
      'docker-compose',
      ['-f', 'docker-compose.yml', 'config', '--services'],
      {
        cwd: root,
        encoding: 'utf8',
        env: composeEnv,
      },
    );
    expect(services.trim().split('\n').sort()).toEqual([
      'agent',
      'gateway-1',
      'gateway-2',
      'load-balancer',
      'redis',
      'redis-acl',
      'tools',
    ]);
  });

  it('sets only variables the apps read', () => {
    const env = composeEnvironment(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
    const gateway = documentedVariables(GATEWAY_HELP);
    const agent = documentedVariables(AGENT_HELP);
    expect(env.get('gateway-1')?.length).toBeGreaterThan(0);
    expect(env.get('agent')?.length).toBeGreaterThan(0);
    for (const name of env.get('gateway-1') ?? [])
      expect({ name, known: gateway.has(name) }).toEqual({ name, known: true });
    for (const name of env.get('agent') ?? [])
      expect({ name, known: agent.has(name) }).toEqual({ name, known: true });
  });

  it('mounts files that exist', () => {
    const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
    for (const [, source] of text.matchAll(/^\s+- (\.\/deploy\/[^:]+):/gm))
      expect(existsSync(join(root, source))).toBe(true);
  });

  describe.each([
    ['deploy/gateway.Dockerfile', 'gateway'],
    ['deploy/agent.Dockerfile', 'docker-agent'],
  ])('%s', (file, project) => {
    const all = stages(file);
    const final = all[all.length - 1];

    it('is multi-stage and runs as a non-root user', () => {
      expect(all.length).toBeGreaterThanOrEqual(2);
      const users = final.instructions.filter((i) => i.op === 'USER').map((i) => i.args.trim());
      expect(users.length).toBeGreaterThan(0);
      expect(['root', '0', '0:0']).not.toContain(users[users.length - 1]);
    });

    it('copies only what exists in the repository or the build output', () => {
      const buildStage = all[0];
      const workdir = buildStage.instructions.find((i) => i.op === 'WORKDIR')?.args.trim() ?? '/';
      for (const stage of all) {
        for (const copy of stage.instructions.filter((i) => i.op === 'COPY')) {
          const words = copy.args.split(/\s+/).filter((w) => !w.startsWith('--'));
          const sources = words.slice(0, -1);
          const fromBuild = /--from=/.test(copy.args);
          for (const source of sources) {
            // From the build stage, /src/x is the repository's x after `npm ci` and the build.
            const relative = fromBuild ? source.replace(new RegExp(`^${workdir}/?`), '') : source;
            expect({ file, source, exists: existsSync(join(root, relative)) }).toEqual({
              file,
              source,
              exists: true,
            });
          }
        }
      }
    });

    it('builds with npm scripts that exist and runs the entry point the build writes', () => {
      const scripts = (
        JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
          scripts: Record<string, string>;
        }
      ).scripts;
      for (const run of all.flatMap((s) => s.instructions.filter((i) => i.op === 'RUN'))) {
        for (const [, name] of run.args.matchAll(/npm run ([\w:-]+)/g))
          expect({ name, exists: name in scripts }).toEqual({ name, exists: true });
      }
      // The image runs what `npm run start:<app>` runs: the same node flags, and the file the
      // build writes (at the same path, or copied from it into the image).
      const cmd = execForm(final.instructions.find((i) => i.op === 'CMD')?.args ?? '[]');
      const start =
        scripts[`start:${project === 'docker-agent' ? 'agent' : 'gateway'}`].split(/\s+/);
      const built = start[start.length - 1];
      expect(cmd.slice(0, -1)).toEqual(start.slice(0, -1));
      expect(existsSync(join(root, built))).toBe(true);
      const entry = cmd[cmd.length - 1];
      const copied = final.instructions
        .filter((i) => i.op === 'COPY' && /--from=/.test(i.args))
        .map((i) => i.args.split(/\s+/).filter((w) => !w.startsWith('--')))
        .some(([source, dest]) => source === `/src/${built}` && dest === `./${entry}`);
      expect({ entry, runsTheBuild: entry === built || copied }).toEqual({
        entry,
        runsTheBuild: true,
      });
    });
  });

  it('the gateway image serves the web app from where the build puts it', () => {
    const final = stages('deploy/gateway.Dockerfile').at(-1)!;
    const env = final.instructions
      .filter((i) => i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    const webDist = /WEB_DIST=(\S+)/.exec(env)?.[1];
    expect(webDist).toBe('/app/dist/apps/web/browser');
    expect(existsSync(join(root, 'dist/apps/web/browser/index.html'))).toBe(true);
  });
});

/** The lines of one service of the compose file. */
function composeService(text: string, service: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => new RegExp(`^ {2}${service}:( |$)`).test(line));
  if (start < 0) return '';
  const end = lines.findIndex((line, i) => i > start && /^ {0,2}\S/.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('docker-compose.yml: what security relies on', () => {
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');

  it('runs Redis with an append-only file on a volume, so sessions and logouts survive a restart', () => {
    const redis = composeService(text, 'redis');
    expect(redis).toMatch(/--appendonly yes/);
    expect(redis).toMatch(/^\s+- redis-data:\/data$/m);
    expect(text).toMatch(/^volumes:\n {2}redis-data:/m);
  });

  it("trusts exactly the load balancer's fixed address as a proxy", () => {
    const address = /ipv4_address: (\S+)/.exec(composeService(text, 'load-balancer'))?.[1];
    expect(address).toBeDefined();
    expect(composeService(text, 'gateway-1')).toContain(`TRUSTED_PROXIES: ${address}`);
  });
});

/** A service's environment as `docker-compose config` resolves it (variables substituted). */
function resolvedEnvironment(service: string, env: Record<string, string>): Record<string, string> {
  const text = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...composeEnv, ...env },
  });
  const result: Record<string, string> = {};
  let inService = false;
  let inEnv = false;
  for (const line of text.split('\n')) {
    if (/^ {2}\S/.test(line)) inService = line === `  ${service}:`;
    if (/^ {4}\S/.test(line)) inEnv = inService && line === '    environment:';
    const pair = inEnv ? /^ {6}([A-Z][A-Z0-9_]*): (.*)$/.exec(line) : null;
    if (pair) result[pair[1]] = pair[2].replace(/^'(.*)'$/, '$1');
  }
  return result;
}

describe("the load balancer and the gateways agree on the dashboard's name", () => {
  it('nginx forwards the Host the browser sent, port included', () => {
    const conf = readFileSync(join(root, 'deploy/nginx.conf'), 'utf8');
    const hosts = [...conf.matchAll(/^\s*proxy_set_header\s+Host\s+(\S+);/gim)].map((m) => m[1]);
    expect(hosts).toEqual(['$http_host']);
  });

  it.each([
    [{}, 'localhost:8080'],
    [{ FLOTILLA_PUBLIC_URL: 'http://fleet.example:8080' }, 'fleet.example:8080'],
  ])('with %j the compose gateways answer a browser at http://%s', (env, host) => {
    const config = loadGatewayConfig(resolvedEnvironment('gateway-1', env));
    const policy = new OriginPolicy(config.publicUrls, config.cors);
    expect(policy.hostAllowed(host)).toBe(true);
    expect(policy.originAllowed(`http://${host}`, host)).toBe(true);
    // What nginx's $host would have forwarded: the name without its port.
    expect(policy.hostAllowed(host.replace(/:\d+$/, ''))).toBe(false);
    expect(policy.hostAllowed('rebind.example:8080')).toBe(false);
  });
});

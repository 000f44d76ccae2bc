/**
 * An app's entry point (`main.ts`) as a real process, for tests of start-up and shutdown. It runs
 * in one plain `node` process with a TypeScript loader, not under the `tsx` command: that one
 * relays a signal to a child process and SIGKILLs it (exit 143) when the child does not
 * acknowledge within 30 ms, which a busy machine does not always manage.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait';

const ROOT = join(__dirname, '../../..');
const LOADERS = {
  /** esbuild: fast, but without the decorator metadata Nest's injection needs (the agent). */
  tsx: ['--import', 'tsx'],
  /** TypeScript's own transpiler, decorator metadata included (the gateway). */
  'ts-hook': ['-r', join(ROOT, 'apps/gateway/test/support/ts-hook.js')],
};

export interface EntryPointOptions {
  args?: string[];
  loader?: keyof typeof LOADERS;
  /** Sends the process SIGTERM as it begins to load this module (see signal-on-load.js). */
  signalOnLoad?: string;
}

export interface EntryProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once the output matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGKILLs the process if it still runs. */
  kill(): void;
}

/** Runs `main` (a path from the repository's root) with exactly `env` plus PATH. */
export function runEntryPoint(
  main: string,
  env: Record<string, string>,
  { args = [], loader = 'tsx', signalOnLoad }: EntryPointOptions = {},
): EntryProcess {
  const probe = signalOnLoad ? ['-r', join(__dirname, 'signal-on-load.js')] : [];
  const child = spawn(process.execPath, [...LOADERS[loader], ...probe, join(ROOT, main), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      ...(signalOnLoad ? { FLOTILLA_TEST_SIGNAL_ON_LOAD: signalOnLoad } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString();
    stderr += b.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    stderr: () => stderr,
    exited,
    waitForOutput: async (pattern, timeoutMs = 60_000) => {
      await waitFor(() => pattern.test(output), {
        timeoutMs,
        intervalMs: 5,
        message: `output matching ${String(pattern)}`,
      }).catch((error: unknown) => {
        throw new Error(`${String(error)}\n--- output ---\n${output.slice(-3000)}`);
      });
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

import { execFile } from 'node:child_process';

/** Runs `redis-cli` against the server on `port` and resolves with its output. */
export function redisCli(port: number, args: string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(port), ...args],
      { timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`redis-cli ${args.join(' ')}: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** `INFO`-style `field:value` lines as a map (CLUSTER INFO, INFO replication). */
export function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

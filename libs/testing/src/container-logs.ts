/** Reading what a test container printed, and waiting for it to finish. */
import type Docker from 'dockerode';

export interface ContainerOutput {
  stdout: string;
  stderr: string;
}

/**
 * Splits Docker's multiplexed log format (non-TTY containers): frames of an 8-byte header
 * (stream type, 3 zero bytes, big-endian payload length) followed by the payload.
 */
export function demuxDockerLog(buffer: Buffer): ContainerOutput {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const length = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + length);
    (type === 2 ? err : out).push(payload);
    offset += 8 + length;
  }
  return {
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

/** Text split into lines, without the empty string after a final newline. */
export function toLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => line.replace(/\r$/, ''));
}

/** The container's whole log so far, split by stream (a TTY container has stdout only). */
export async function readContainerLog(container: Docker.Container): Promise<ContainerOutput> {
  const info = await container.inspect();
  const raw = await container.logs({ stdout: true, stderr: true, follow: false });
  return info.Config.Tty ? { stdout: raw.toString('utf8'), stderr: '' } : demuxDockerLog(raw);
}

/** The container's stdout lines so far. */
export async function readContainerLines(container: Docker.Container): Promise<string[]> {
  return toLines((await readContainerLog(container)).stdout);
}

/** Resolves with the exit code once the container has stopped. */
export async function waitForContainerExit(
  container: Docker.Container,
  timeoutMs = 10_000,
): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`container ${container.id} still running after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const result = (await Promise.race([container.wait(), timeout])) as { StatusCode: number };
    return result.StatusCode;
  } finally {
    clearTimeout(timer);
  }
}

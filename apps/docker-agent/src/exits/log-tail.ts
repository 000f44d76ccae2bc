import { EXIT_LIMITS } from '@flotilla/contracts';
import type { ExitRecord } from '@flotilla/contracts';
import type { ContainerClient } from '../docker/container-client';
import { logLines } from '../search/log-lines';

export type ExitLine = ExitRecord['lines'][number];

/** Longest a read of the last lines may take before it is abandoned. */
const READ_TIMEOUT_MS = 15_000;

/**
 * The newest `tail` lines of the container's log up to `until` (`<seconds>.<nanoseconds>`), read
 * from Docker not following, in the order Docker sent them: the newest `EXIT_LIMITS.lines` kept,
 * each cut to `EXIT_LIMITS.lineChars`. Read the way a search reads (long lines Docker split into
 * 16 KiB pieces come back whole); throws when Docker cannot be read.
 */
export async function readLogTail(
  docker: Pick<ContainerClient, 'readLogs'>,
  containerId: string,
  read: { tail: number; until: string; tty: boolean },
): Promise<ExitLine[]> {
  const stream = await docker.readLogs(
    containerId,
    { tail: read.tail, until: read.until },
    AbortSignal.timeout(READ_TIMEOUT_MS),
  );
  const lines: ExitLine[] = [];
  for await (const line of logLines(stream, read.tty, () => undefined)) {
    lines.push({
      ts: line.ts,
      stream: line.stream,
      text: line.text.slice(0, EXIT_LIMITS.lineChars),
    });
    if (lines.length > 2 * EXIT_LIMITS.lines) lines.splice(0, lines.length - EXIT_LIMITS.lines);
  }
  return lines.slice(-EXIT_LIMITS.lines);
}

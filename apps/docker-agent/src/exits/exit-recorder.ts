import type { Bus } from '@flotilla/bus';
import {
  EXIT_LIMITS,
  exitRecordSchema,
  parsePayload,
  signalOfExitCode,
  type Container,
  type ExitRecord,
} from '@flotilla/contracts';
import { describeError } from '@flotilla/logging';
import type { ContainerClient } from '../docker/container-client';
import type { DockerInspect } from '../docker/docker-inspect';
import { toContainerView } from '../inventory/container-mapper';
import type { ContainerRegistry } from '../inventory/container-registry';
import type { AgentLogger } from '../shared/agent-logger';
import { HealthHistory } from './health-history';
import { readLogTail, type ExitLine } from './log-tail';

/** A container event as Docker's event stream reports it, as far as exit records need it. */
export interface ContainerEventNote {
  containerId: string;
  action: string;
  attributes: Record<string, string>;
  /** Docker's event time, nanoseconds since the epoch (as precise as a double holds it). */
  timeNano: number;
}

/** Exits waiting to be recorded at most; past this a burst of deaths is logged and dropped. */
const MAX_PENDING = 200;
/** Tails read for the last lines: the second when a restarted run's lines filled the first. */
const TAILS = [EXIT_LIMITS.lines, 10 * EXIT_LIMITS.lines];
/** Docker's zero time: a container that never finished. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Writes an exit record for every `die` event: exit code, OOM kill, signal, finish time, restart
 * count, the health transitions seen before, and the last lines of the container's log read from
 * Docker at that moment (whether or not anyone follows its logs), then appends it to the host's
 * exits stream. Records are written one at a time, in the order the deaths were reported.
 */
export class ExitRecorder {
  private readonly health = new HealthHistory();
  /** Containers Docker reported OOM-killed since their last exit record. */
  private readonly oomKilled = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private stopped = false;

  constructor(
    private readonly hostId: string,
    private readonly docker: ContainerClient,
    private readonly bus: Bus,
    private readonly registry: ContainerRegistry,
    private readonly logger: AgentLogger,
  ) {}

  /** Takes every container event of Docker's stream (the inventory's feed). */
  containerEvent(note: ContainerEventNote): void {
    if (this.stopped) return;
    const { containerId, action } = note;
    if (action.startsWith('health_status')) {
      this.health.note(containerId, action, isoOf(note.timeNano));
    } else if (action === 'oom') {
      this.oomKilled.add(containerId);
    } else if (action === 'die') {
      if (this.pending >= MAX_PENDING) {
        this.logger.warn(`exit of ${containerId} not recorded: ${MAX_PENDING} exits are waiting`);
        return;
      }
      this.pending++;
      // Who it was, taken now: a `docker rm -f` removes it (and the inventory forgets it) before
      // the record is written.
      const known = this.registry.get(containerId);
      this.queue = this.queue.then(() => this.record(note, known)).finally(() => this.pending--);
    } else if (action === 'destroy') {
      // After the records already queued, which may still read its health.
      this.queue = this.queue.then(() => {
        this.health.forget(containerId);
        this.oomKilled.delete(containerId);
      });
    }
  }

  /** Waits for the records already queued (bounded by the caller). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.queue;
  }

  private async record(note: ContainerEventNote, known: Container | undefined): Promise<void> {
    if (this.stopped) return;
    const { containerId } = note;
    try {
      const record = await this.build(note, known);
      if (record === null) return;
      const checked = parsePayload(exitRecordSchema, record);
      if (!checked.ok) {
        this.logger.warn(`exit of ${containerId} not recorded: ${checked.error}`);
        return;
      }
      await this.bus.exits.append(checked.value);
      this.logger.verbose(
        `recorded exit ${record.exit_code} of ${containerId} (restart ${record.restart_count})`,
      );
    } catch (error: unknown) {
      this.logger.warn(`exit of ${containerId} not recorded: ${describeError(error)}`);
    }
  }

  private async build(
    note: ContainerEventNote,
    known: Container | undefined,
  ): Promise<ExitRecord | null> {
    const { containerId } = note;
    // Read at once and together: a restart policy starts the container again within 100 ms.
    const [inspect, tail] = await Promise.all([
      this.docker.inspect(containerId),
      this.lastLines(containerId, note.timeNano),
    ]);
    const identity = this.identity(inspect, known);
    if (identity === null) return null;
    const fromEvent = Number.parseInt(note.attributes.exitCode ?? '', 10);
    // A restart resets State.ExitCode to 0: the event's own exit code is the one of this death.
    const exitCode = Number.isSafeInteger(fromEvent) ? fromEvent : (inspect?.State.ExitCode ?? 0);
    const oomKilled = this.oomKilled.delete(containerId) || inspect?.State.OOMKilled === true;
    const finished = inspect?.State.FinishedAt;
    const lines = inspect === null && tail.lines.length === 0 ? null : tail;
    return {
      v: 1,
      host_id: this.hostId,
      container_id: containerId,
      ...identity,
      exit_code: exitCode,
      oom_killed: oomKilled,
      signal: signalOfExitCode(exitCode),
      finished_at: finished && finished !== ZERO_TIME ? finished : isoOf(note.timeNano),
      // Docker counts a policy restart when it decides on it, before the die event: the first
      // crash of a `--restart=always` container reads 1.
      restart_count: inspect?.RestartCount ?? 0,
      health: this.health.transitions(containerId),
      lines: lines?.lines ?? [],
      ...(lines === null
        ? { lines_error: 'the container was already removed' }
        : lines.error !== undefined
          ? { lines_error: lines.error }
          : {}),
    };
  }

  /** Name, labels and image as the inventory publishes them (cut to the contract's limits). */
  private identity(
    inspect: DockerInspect | null,
    known: Container | undefined,
  ): Pick<ExitRecord, 'name' | 'labels' | 'image'> | null {
    const view = inspect ? toContainerView(this.hostId, inspect) : known;
    if (!view) return null;
    return { name: view.name, labels: view.labels, image: view.image };
  }

  /**
   * The newest lines written before the death (Docker's `until`), or why there are none. Docker
   * takes the tail before it applies `until`, so when the container already wrote again after a
   * restart, fewer lines come back: the read is repeated once with a longer tail.
   */
  private async lastLines(
    containerId: string,
    timeNano: number,
  ): Promise<{ lines: ExitLine[]; error?: string }> {
    const tty = this.registry.get(containerId)?.tty === true;
    const until = untilOf(timeNano);
    let lines: ExitLine[] = [];
    try {
      for (const tail of TAILS) {
        lines = await readLogTail(this.docker, containerId, { tail, until, tty });
        if (lines.length >= EXIT_LIMITS.lines) break;
      }
      return { lines };
    } catch (error: unknown) {
      return { lines, error: describeError(error).slice(0, 256) };
    }
  }
}

function isoOf(timeNano: number): string {
  return new Date(Math.floor(timeNano / 1e6)).toISOString();
}

/** Docker's `until` (`<seconds>.<nanoseconds>`) just after the event, rounding slack included. */
function untilOf(timeNano: number): string {
  const seconds = Math.floor(timeNano / 1e9);
  const nanos = Math.min(999_999_999, Math.round(timeNano - seconds * 1e9) + 1_000);
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}

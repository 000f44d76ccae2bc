import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { CRASH_LOOP_DEFAULTS, RedisKeys } from '@flotilla/contracts';
import type { Bus } from '@flotilla/bus';
import { describeError } from '@flotilla/logging';
import { canSee } from '../auth/access-policy';
import type { GatewayConfig } from '../config/gateway.config';
import { BUS, GATEWAY_CONFIG } from '../core/tokens';
import { StreamRouter, type RawEntries } from '../bus/stream-router.service';
import { HostDirectory } from '../fleet/host-directory.service';
import { ClientOutbox } from '../socket/client-outbox.service';
import type { ClientConnection } from '../socket/client-connection';
import { ConnectionRegistry } from '../socket/connection-registry.service';
import { CrashLoopTracker, type CrashLoopChange } from './crash-loop-tracker';

/** How often loops are re-evaluated as their exits age out of the window. */
const TICK_MS = 1_000;
/** How often the estimate of the bus clock is refreshed. */
const CLOCK_REFRESH_MS = 30_000;

/**
 * Crash loops, live. Every replica follows every host it knows (as `HostDirectory` finds them)
 * on that host's exits stream, from the start of the crash-loop window, through the shared
 * `StreamRouter`; records are decoded and host-checked by `bus.records.exits`. A container
 * starting or stopping to loop is pushed as `crash_loop` to this replica's sockets whose
 * principal may see it (scoped by the name and labels the record carries, so a removed container
 * stays scoped); each other exit only to those of them whose view shows it. Every replica reads the same records and the
 * same clock, so they agree; none keeps anything another needs (I3).
 */
@Injectable()
export class CrashLoopFeed implements OnModuleDestroy {
  private readonly logger = new Logger(CrashLoopFeed.name);
  private readonly tracker: CrashLoopTracker;
  private readonly windowMs: number;
  /** Bus clock minus this process's clock, refreshed every `CLOCK_REFRESH_MS`. */
  private clockOffset = 0;
  private readonly timer: NodeJS.Timeout;
  private readonly clockTimer: NodeJS.Timeout;
  private closed = false;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly router: StreamRouter,
    private readonly registry: ConnectionRegistry,
    private readonly outbox: ClientOutbox,
    hosts: HostDirectory,
  ) {
    const rule = config.crashLoop ?? CRASH_LOOP_DEFAULTS;
    this.windowMs = rule.windowMs;
    this.tracker = new CrashLoopTracker(rule);
    hosts.listen({
      followed: (status) => void this.followHost(status.host_id),
      event: () => undefined,
      changed: () => undefined,
    });
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.clockTimer = setInterval(() => void this.readClock(), CLOCK_REFRESH_MS);
  }

  onModuleDestroy(): void {
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.clockTimer);
  }

  /** A socket that just got `initial_state`: every loop it may see, as things stand. */
  introduce(connection: ClientConnection): void {
    for (const change of this.tracker.looping())
      if (canSee(connection.principal, change.ref))
        this.outbox.send(connection, 'crash_loop', change.payload);
  }

  /**
   * A socket whose view changed: the loops it now shows, as things stand (it was told when they
   * started, but not of each exit since).
   */
  refresh(connection: ClientConnection): void {
    for (const change of this.tracker.looping())
      if (shows(connection, change)) this.outbox.send(connection, 'crash_loop', change.payload);
  }

  private async followHost(hostId: string): Promise<void> {
    try {
      const now = await this.readClock();
      if (this.closed) return;
      // Stream ids are bus-clock times: reading from the window's start replays exactly the
      // exits that count, and whatever is appended meanwhile follows without a gap.
      const from = `${Math.max(0, now - this.windowMs)}-0`;
      this.router.follow(RedisKeys.exits(hostId), from, (entries) => this.onExits(hostId, entries));
    } catch (error: unknown) {
      this.logger.warn(`following the exits of host ${hostId} failed: ${describeError(error)}`);
    }
  }

  private onExits(hostId: string, entries: RawEntries): void {
    const now = this.now();
    for (const { id, value } of this.bus.records.exits(hostId, entries)) {
      const { host_id, container_id, name, labels } = value;
      const change = this.tracker.record(id, { host_id, container_id, name, labels }, now);
      if (change) this.broadcast(change);
    }
  }

  private tick(): void {
    for (const change of this.tracker.tick(this.now())) this.broadcast(change);
  }

  /**
   * A loop starting or ending to every socket that may see the container; one more exit only to
   * those that show it (its row or page), so a fleet's exits are not multiplied by every socket.
   */
  private broadcast(change: CrashLoopChange): void {
    const recipients: ClientConnection[] = [];
    if (change.flipped) {
      for (const connection of this.registry.all())
        if (connection.ready && canSee(connection.principal, change.ref))
          recipients.push(connection);
    } else {
      for (const connection of this.registry.mayShowContainersOf(change.ref.host_id))
        if (connection.ready && shows(connection, change)) recipients.push(connection);
    }
    this.outbox.broadcast(recipients, 'crash_loop', change.payload);
  }

  private now(): number {
    return Date.now() + this.clockOffset;
  }

  private async readClock(): Promise<number> {
    const before = Date.now();
    const busNow = await this.bus.time().catch((error: unknown) => {
      this.logger.warn(`reading the bus clock failed: ${describeError(error)}`);
      return null;
    });
    if (busNow === null) return this.now();
    this.clockOffset = busNow - Math.round((before + Date.now()) / 2);
    return busNow;
  }
}

function shows(connection: ClientConnection, change: CrashLoopChange): boolean {
  return canSee(connection.principal, change.ref) && connection.filter.passesContainer(change.ref);
}

/**
 * A dashboard as a test sees it through a rolling upgrade: one log stream and the fleet state,
 * kept across its socket's deaths by reconnecting through the load balancer and resuming the
 * stream after the last entry it holds (the seed's resume), counting each reconnection.
 */
import type { Container, LogUpdatePayload } from '@flotilla/contracts';
import { TestClient } from '../../apps/gateway/test/support/test-client';

export class Watcher {
  reconnections = 0;
  /** The longest time from losing a socket to having the stream resumed on another, in ms. */
  longestReconnectMs = 0;
  /** Gap markers received: a resume that could not deliver every line since its cursor. */
  gaps = 0;
  /** Why the last attempt to attach failed (diagnostics when a watcher does not come back). */
  lastError: string | undefined;
  attempts = 0;
  /** The replica (`server_id`) of the current socket. */
  serverId: string | undefined;
  /** Every log line, in arrival order, across sockets. */
  readonly lines: string[] = [];
  /** A change whose revision the watcher already had (from a change or a snapshot). */
  readonly duplicates: string[] = [];
  private readonly revisions = new Map<string, number>();
  readonly states = new Map<string, Container>();
  private lastEntry: string | undefined;
  private client: TestClient | undefined;
  private closed = false;
  private reconnecting: Promise<void> | undefined;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly containerId: string,
  ) {}

  async start(): Promise<void> {
    await this.attach();
  }

  /** Resolves once the watcher is connected again (after a reconnection in progress, if any). */
  async settled(): Promise<void> {
    while (this.reconnecting) await this.reconnecting;
  }

  /** Connected with its stream resumed. */
  get connected(): boolean {
    return this.reconnecting === undefined && this.client?.socket.connected === true;
  }

  /** What a failed wait reports about this watcher. */
  describe(): string {
    const socket = this.client?.socket.connected ? 'socket open' : 'socket closed';
    const state = this.reconnecting ? 'reconnecting' : 'idle';
    return `${state}, ${socket}, ${this.attempts} attempts, last error: ${this.lastError ?? 'none'}`;
  }

  close(): void {
    this.closed = true;
    this.client?.close();
  }

  private async attach(): Promise<void> {
    const client = await TestClient.connect(this.url, {
      extraHeaders: this.headers,
      waitInitial: false,
    });
    if (this.closed) {
      // Closed while this socket was being opened: close() saw the previous one only.
      client.close();
      return;
    }
    client.socket.on('initial_state', (s) => {
      for (const c of s.containers) this.apply(c, false);
    });
    client.socket.on('container_state_change', (c) => this.apply(c, true));
    client.socket.on('log_update', (u: LogUpdatePayload) => {
      if (u.container_id !== this.containerId) return;
      if (u.gap) {
        this.gaps++;
        return;
      }
      this.lines.push(...u.log.split('\n').slice(0, -1));
      const last = u.entries[u.entries.length - 1];
      if (last) this.lastEntry = last.id;
    });
    client.socket.on('disconnect', () => {
      if (this.closed) return;
      this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
    });
    this.client = client;
    this.serverId = (await client.waitFor('connection_established', () => true, 20_000)).server_id;
    await client.waitFor('initial_state', () => true, 20_000);
    const ack = await client.request(
      'start_log_stream',
      this.lastEntry
        ? { container_id: this.containerId, after: this.lastEntry }
        : { container_id: this.containerId, tail: 10_000 },
      20_000,
    );
    if (ack.status !== 'stream_started')
      throw new Error(`start_log_stream: ${JSON.stringify(ack)}`);
  }

  private async reconnect(): Promise<void> {
    this.reconnections++;
    const started = Date.now();
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        this.attempts++;
        await this.attach();
        this.longestReconnectMs = Math.max(this.longestReconnectMs, Date.now() - started);
        return;
      } catch (error: unknown) {
        this.lastError = error instanceof Error ? error.message : String(error);
        this.client?.close();
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }

  private apply(c: Container, change: boolean): void {
    const key = `${c.host_id}/${c.container_id}`;
    const had = this.revisions.get(key) ?? 0;
    if (change && c.revision <= had) this.duplicates.push(`${key}@${c.revision}`);
    if (c.revision >= had) {
      this.revisions.set(key, c.revision);
      this.states.set(key, c);
    }
  }
}

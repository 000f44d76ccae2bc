import { compareStreamIds } from '@flotilla/bus';

interface HostCursor {
  /** Id of the last event of the host sent to (or filtered out for) this socket. */
  last: string;
  /** Live: the replica's follower feeds it; otherwise it is catching up by reading ranges. */
  live: boolean;
}

/**
 * One socket's position in each host's event stream. An event reaches the socket only when its
 * id is above the position, so the catch-up reads and the live follower can overlap without a
 * change being sent twice or skipped. The socket switches to live for a host only once its
 * position has reached what the replica's follower has delivered.
 */
export class SocketCursors {
  private readonly hosts = new Map<string, HostCursor>();

  has(hostId: string): boolean {
    return this.hosts.has(hostId);
  }

  get size(): number {
    return this.hosts.size;
  }

  hostIds(): string[] {
    return [...this.hosts.keys()];
  }

  /** Starts (catching up) at `position`, the id the socket's snapshot of the host reflects. */
  start(hostId: string, position: string): void {
    this.hosts.set(hostId, { last: position, live: false });
  }

  position(hostId: string): string | undefined {
    return this.hosts.get(hostId)?.last;
  }

  isLive(hostId: string): boolean {
    return this.hosts.get(hostId)?.live ?? false;
  }

  /** A live delivery: true (and the cursor moves) when the event is new to this socket. */
  acceptLive(hostId: string, id: string): boolean {
    const cursor = this.hosts.get(hostId);
    if (!cursor?.live) return false;
    return advance(cursor, id);
  }

  /** A catch-up delivery: true (and the cursor moves) when the event is new to this socket. */
  acceptCatchUp(hostId: string, id: string): boolean {
    const cursor = this.hosts.get(hostId);
    return cursor !== undefined && advance(cursor, id);
  }

  /**
   * Goes live once the cursor has reached `delivered`, the newest id the replica's follower has
   * handed out (everything after it will come from the follower). False: read more first.
   */
  goLiveIfCaughtUp(hostId: string, delivered: string): boolean {
    const cursor = this.hosts.get(hostId);
    if (!cursor) return false;
    if (cursor.live) return true;
    if (compareStreamIds(cursor.last, delivered) < 0) return false;
    cursor.live = true;
    return true;
  }

  /** Goes live where it stands (what lies before the follower's position cannot be read). */
  goLive(hostId: string): void {
    const cursor = this.hosts.get(hostId);
    if (cursor) cursor.live = true;
  }
}

function advance(cursor: HostCursor, id: string): boolean {
  if (compareStreamIds(id, cursor.last) <= 0) return false;
  cursor.last = id;
  return true;
}

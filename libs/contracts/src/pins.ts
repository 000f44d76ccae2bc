/**
 * Pinned notes: an operator pins one log line of a container with a short note. Pins are kept per
 * container on the bus (after the container is removed too), pushed live to whoever views the
 * container, listed on its page, and audited.
 */

export const PIN_LIMITS = {
  /** Characters of a note. */
  noteChars: 280,
  /** UTF-8 bytes of the pinned line's text. */
  lineBytes: 2_048,
  /** Pins one container keeps; pinning beyond is refused until one is removed. */
  perContainer: 100,
} as const;

/** One pinned line. `ts` is the line's Docker timestamp: the permalink `?at=` of the line. */
export interface Pin {
  id: string;
  host_id: string;
  container_id: string;
  ts: string;
  /** The line's number in the container's log stream, when the page knew it. */
  line_no?: number;
  line: string;
  note: string;
  /** Who pinned it. */
  user: string;
  /** ISO time the pin was made. */
  created_at: string;
}

/**
 * `pins`: every pin of one container, oldest line first, sent on every change to the sockets
 * viewing that container (its watch target, or an open log stream of it) that may see it.
 */
export interface PinsPayload {
  host_id: string;
  container_id: string;
  pins: Pin[];
}

export type PinLineOk = { status: 'ok'; pin: Pin };

/** The permalink of a pinned line (the log viewer opens it around the line). */
export function pinPermalink(pin: Pick<Pin, 'host_id' | 'container_id' | 'ts'>): string {
  return `/logs/${encodeURIComponent(pin.host_id)}/${pin.container_id}?at=${encodeURIComponent(pin.ts)}`;
}

/** Bumped when a bus message or Redis key changes shape; it is part of every Redis key. */
export const PROTOCOL_VERSION = 1;

/** Limits shared by every edge; a payload beyond them is rejected, not truncated. */
export const LIMITS = {
  /** Largest Socket.IO packet a gateway accepts from a client, in bytes. */
  maxClientMessageBytes: 16 * 1024,
  /** Most lines a client may ask for as backfill (`tail`). */
  maxTail: 10_000,
  /** Default backfill, as the original design: the last 100 lines. */
  defaultTail: 100,
  /** Most hosts or containers in one subscription filter. */
  maxSubscriptionItems: 500,
  /**
   * Most compose projects in one subscription or view: each brings every container of the
   * project on every host, so far fewer than hosts or containers.
   */
  maxSubscriptionProjects: 100,
  /** Longest compose project name a client may name. */
  maxProjectName: 255,
  /** `find_containers`: longest query, and most matches one answer holds (and its default). */
  maxFindQuery: 100,
  maxFindResults: 200,
  defaultFindResults: 50,
  /** Most lines a stream started from `since` sends before skipping to the live edge. */
  maxSinceLines: 5_000,
  /** Most lines one `load_earlier` page holds (`limit`), and its default. */
  maxEarlierLines: 1_000,
  defaultEarlierLines: 200,
  /** Longest free-text field a client may send. */
  maxTextLength: 256,
} as const;

/**
 * A log batch whose entry id is not above the stream's newest id: the agent's line numbering
 * and the stream disagree (a replaced agent, a restored Redis), so the agent must resync from
 * `lastId` (or from `logs.last()`) instead of retrying the same batch.
 */
export class LogSequenceError extends Error {
  override readonly name = 'LogSequenceError';

  constructor(
    readonly key: string,
    readonly id: string,
    /** The stream's newest id when the append was refused, when known. */
    readonly lastId: string | null,
  ) {
    super(
      `log entry ${id} is not above the newest entry ${lastId ?? '(unknown)'} of ${key}; resync the line numbering`,
    );
  }
}

/** Raised by every operation on a bus after `close()`, and by waits that close cut short. */
export class BusClosedError extends Error {
  override readonly name = 'BusClosedError';

  constructor() {
    super('the bus is closed');
  }
}

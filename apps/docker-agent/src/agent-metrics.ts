import { EventEmitter } from 'node:events';

/** Counters an agent exposes (tests and `/metrics`-style diagnostics read them). */
export interface AgentCounters {
  /** Docker log streams open right now (invariant I1 of docs/architecture.md: at most one per container). */
  openLogStreams: number;
  /** Docker stats streams open right now. */
  openStatsStreams: number;
  /** Log streams ever opened. */
  logStreamsOpened: number;
  /** Lines and batches appended to the bus. */
  linesPublished: number;
  batchesPublished: number;
  /** Times a log follower paused Docker because the bus was slower (backpressure). */
  logPauses: number;
  /** Log appends refused as out of sequence, after which numbering was resynced. */
  logSeqResyncs: number;
  statsSamples: number;
  /** Container events appended to the host's event stream. */
  containerEvents: number;
  /** Docker events received. */
  dockerEvents: number;
  /** Full inventory resyncs done (start, Docker reconnect, bus recovery). */
  resyncs: number;
  /** Connections made to Docker's event stream (1 + reconnects). */
  dockerConnects: number;
  /** Times the bus was found unreachable (an outage counts once). */
  busOutages: number;
  /** Times the bus was found back after failing or losing the agent's data. */
  busRecoveries: number;
  commandsHandled: number;
  heartbeats: number;
  /** Docker log reads of searches open right now, and searches run. */
  openSearchReads: number;
  searchesRun: number;
}

export type AgentEvent =
  | { type: 'resynced'; reason: string; containers: number; changed: number }
  | { type: 'docker-connected' }
  | { type: 'docker-lost'; error: string }
  | { type: 'bus-lost'; error: string }
  | { type: 'bus-recovered' };

/** Counters plus an emitter of `AgentEvent`s (event name `'agent'`). */
export class AgentMetrics extends EventEmitter {
  readonly counters: AgentCounters = {
    openLogStreams: 0,
    openStatsStreams: 0,
    logStreamsOpened: 0,
    linesPublished: 0,
    batchesPublished: 0,
    logPauses: 0,
    logSeqResyncs: 0,
    statsSamples: 0,
    containerEvents: 0,
    dockerEvents: 0,
    resyncs: 0,
    dockerConnects: 0,
    busOutages: 0,
    busRecoveries: 0,
    commandsHandled: 0,
    heartbeats: 0,
    openSearchReads: 0,
    searchesRun: 0,
  };

  report(event: AgentEvent): void {
    this.emit('agent', event);
  }

  snapshot(): AgentCounters {
    return { ...this.counters };
  }
}

/**
 * Exit records: what an agent writes down each time one of its containers dies (Docker's `die`
 * event), read at that moment from Docker, so a crash loop can be investigated after the fact,
 * even once the container is removed.
 */
import type { ExitRecord } from './schemas/exits';

/** Bounds of one exit record: what the agent keeps, and what readers accept. */
export const EXIT_LIMITS = {
  /** Log lines kept per exit: the container's last ones. */
  lines: 50,
  /** Characters kept of one line (longer lines are cut). */
  lineChars: 4_096,
  /** Health transitions kept per exit: the newest. */
  healthTransitions: 20,
  /** Records a `GET …/exits` answers at most. */
  listMax: 100,
} as const;

/** Signal names of Linux's numbers, for exit codes above 128 (128 + signal). */
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  16: 'SIGSTKFLT',
  17: 'SIGCHLD',
  18: 'SIGCONT',
  19: 'SIGSTOP',
  20: 'SIGTSTP',
  21: 'SIGTTIN',
  22: 'SIGTTOU',
  23: 'SIGURG',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
  26: 'SIGVTALRM',
  27: 'SIGPROF',
  28: 'SIGWINCH',
  29: 'SIGIO',
  30: 'SIGPWR',
  31: 'SIGSYS',
};

/**
 * The signal that ended a process, as shells and Docker report it: an exit code of 128 + n means
 * signal n. Null for ordinary exit codes. A program may of course exit with 137 by itself; that
 * is indistinguishable, so the signal is "as far as the exit code says".
 */
export function signalOfExitCode(exitCode: number): { number: number; name: string } | null {
  if (!Number.isInteger(exitCode) || exitCode <= 128 || exitCode > 128 + 64) return null;
  const number = exitCode - 128;
  return {
    number,
    name: SIGNAL_NAMES[number] ?? (number >= 34 ? `SIGRTMIN+${number - 34}` : `SIG${number}`),
  };
}

/** Crash-loop defaults: this many exits within the window (measured on the bus clock). */
export const CRASH_LOOP_DEFAULTS = { exits: 3, windowMs: 5 * 60 * 1_000 } as const;

/** Whether a container is crash-looping: `exits` exits within the last `window_ms`. */
export interface CrashLoopState {
  looping: boolean;
  /** Exits recorded within the window, up to now. */
  exits_in_window: number;
  threshold: number;
  window_ms: number;
}

/** One exit as `GET /api/containers/:host/:id/exits` answers it: the record, its id and time. */
export type ExitView = ExitRecord & { id: string; recorded_at: string };

/** The answer of `GET /api/containers/:host/:id/exits`. */
export interface ContainerExits {
  host_id: string;
  container_id: string;
  /** Newest first. */
  exits: ExitView[];
  crash_loop: CrashLoopState;
}

/**
 * `crash_loop`: a container's crash-loop state, pushed to every socket that may see the container
 * when an exit of it is recorded and when it starts or stops looping; after `initial_state`, a
 * socket gets one for each container looping at that moment.
 */
export interface CrashLoopPayload {
  host_id: string;
  container_id: string;
  crash_loop: CrashLoopState;
  /** Stream id of the newest exit recorded (its time on the bus clock); null if none is known. */
  last_exit_id: string | null;
}

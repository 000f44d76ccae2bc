/**
 * The part of Docker's `GET /containers/{id}/json` answer the agent reads. Declared here (not
 * taken from @types/dockerode) so recorded answers can feed the mapper's tests as plain JSON.
 */
export interface DockerInspect {
  Id: string;
  Name: string;
  Created: string;
  /** How many times the restart policy restarted the container. */
  RestartCount?: number;
  State: {
    Status: string;
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    OOMKilled?: boolean;
    Dead: boolean;
    RemovalInProgress?: boolean;
    ExitCode: number;
    StartedAt: string;
    FinishedAt: string;
    Health?: { Status: string } | null;
  };
  Config: {
    Image: string;
    Tty: boolean;
    Labels?: Record<string, string> | null;
  };
  HostConfig?: {
    /** The memory limit in bytes; 0 (or absent) when the container has none. */
    Memory?: number | null;
  } | null;
  NetworkSettings?: {
    Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null;
  } | null;
}

/** One entry of Docker's event stream (`GET /events`), as far as the agent reads it. */
export interface DockerEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

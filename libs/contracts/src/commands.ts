/** The only things a gateway may ask an agent to do: typed commands, never a raw Docker call. */
export const CONTAINER_ACTIONS = ['start', 'stop', 'restart', 'unpause', 'remove'] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

export const COMMAND_ERROR_CODES = [
  'not_found',
  'docker_error',
  'disabled',
  'expired',
  'timeout',
] as const;
export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

/** Broadcast to viewers so everyone sees who did what. */
export interface ContainerActionPayload {
  host_id: string;
  container_id: string;
  action: ContainerAction;
  user: string;
  at: string;
  ok: boolean;
  error: string | null;
}

/** The Docker engines tests talk to, and the image their containers run. */
import Docker from 'dockerode';

/** The busybox image `.ci/run` builds; override with FLOTILLA_TEST_IMAGE. */
export const TEST_IMAGE = process.env.FLOTILLA_TEST_IMAGE ?? 'flotilla-test-busybox:latest';

/** The default engine: DOCKER_HOST when set, else /var/run/docker.sock. */
export function dockerEngine(): Docker {
  return new Docker();
}

/** An engine listening on a unix socket, e.g. a second dockerd. */
export function dockerEngineAt(socketPath: string): Docker {
  return new Docker({ socketPath });
}

/** The HTTP status of a dockerode error (404 no such object, 409 conflict, ...). */
export function dockerStatus(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

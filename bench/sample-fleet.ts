import { COMPOSE_PROJECT_LABEL, type Container } from '@flotilla/contracts';
import { sampleContainer } from '@flotilla/contracts/testing';

/** The id of simulated host `i`. */
export const hostId = (i: number): string => `sim-${String(i).padStart(3, '0')}`;

/**
 * Container `n` of host `host`, as a compose deployment labels it (ten projects per host, one
 * container in ten exited): what a real fleet's containers weigh on the wire.
 */
export function container(host: number, n: number): Container {
  const project = `stack-${n % 10}`;
  const id = `${host.toString(16).padStart(8, '0')}${n.toString(16).padStart(8, '0')}`.repeat(4);
  return sampleContainer({
    container_id: id,
    host_id: hostId(host),
    name: `${project}-service-${n}-1`,
    image: `registry.example.com/team/${project}-service-${n}:1.${n}.0`,
    state: n % 10 === 9 ? 'exited' : 'running',
    status: n % 10 === 9 ? 'Exited (0) 2 hours ago' : 'Up 3 days',
    labels: {
      [COMPOSE_PROJECT_LABEL]: project,
      'com.docker.compose.service': `service-${n}`,
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      'com.docker.compose.version': '2.24.6',
      'com.docker.compose.config-hash': id,
      'com.docker.compose.project.working_dir': `/srv/${project}`,
      'com.docker.compose.project.config_files': `/srv/${project}/compose.yaml`,
    },
    ports: [{ private_port: 8080, public_port: 18_000 + n, type: 'tcp', ip: '0.0.0.0' }],
    revision: 1,
  });
}

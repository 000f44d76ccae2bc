/** Test fixtures of the bus (`@flotilla/bus/testing`): hosts, containers, samples, commands, lines. */
export * from './samples';

/** Test fixtures of the wire contract (`@flotilla/contracts/testing`); never part of a build. */
export * from './container';
export * from './stats';
export * from './exits';

/** The zod validators of the wire contract: every payload that crosses an edge is parsed here. */
export * from './validate';
export * from './ids';
export * from './container';
export * from './host';
export * from './logs';
export * from './stats';
export * from './commands';
export * from './fleet-events';
export * from './client-payloads';
export * from './audit';
export * from './alerts';
export * from './exits';
export * from './search';
export * from './presence';
export * from './pins';

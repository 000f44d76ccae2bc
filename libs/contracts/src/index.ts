/** The whole wire contract for Node: the zod-free core (`@flotilla/contracts/core`) and the schemas. */
export * from './core';
export * from './schemas';

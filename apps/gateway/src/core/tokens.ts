/** Injection tokens of what `startGateway` hands the Nest module. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const GATEWAY_TUNING = Symbol('GATEWAY_TUNING');
export const BUS = Symbol('BUS');
/** This replica's id: the holder of its leases and the `server_id` clients see. */
export const REPLICA_ID = Symbol('REPLICA_ID');

/** The package ships no types: its one export, the Redis Cluster slot of a key (`CLUSTER KEYSLOT`). */
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}

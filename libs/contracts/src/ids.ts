/** A full Docker container id: 64 lowercase hex digits. */
export const FULL_CONTAINER_ID = /^[0-9a-f]{64}$/;
/** What a client may send: a full id or an unambiguous prefix of at least 12 digits, as the Docker CLI. */
export const CONTAINER_ID_OR_PREFIX = /^[0-9a-f]{12,64}$/;
/** Host ids appear inside Redis keys: no colons, spaces or braces. */
export const HOST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** A Redis stream entry id (`<ms>-<seq>`). */
export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

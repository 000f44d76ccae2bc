import { z } from 'zod';

/** A full Docker container id: 64 lowercase hex digits. */
export const FULL_CONTAINER_ID = /^[0-9a-f]{64}$/;
/** What a client may send: a full id or an unambiguous prefix of at least 12 digits, as the Docker CLI. */
export const CONTAINER_ID_OR_PREFIX = /^[0-9a-f]{12,64}$/;
/** Host ids appear inside Redis keys: no colons, spaces or braces. */
export const HOST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** A Redis stream entry id (`<ms>-<seq>`). */
export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

export const containerIdSchema = z
  .string()
  .regex(FULL_CONTAINER_ID, 'container_id must be a full Docker id (64 hex digits)');
export const containerRefSchema = z
  .string()
  .max(64, 'container_id is longer than a Docker id')
  .regex(CONTAINER_ID_OR_PREFIX, 'container_id must be 12 to 64 lowercase hex digits');
export const hostIdSchema = z
  .string()
  .max(63, 'host_id is longer than 63 characters')
  .regex(HOST_ID, 'host_id may hold only letters, digits, ".", "_" and "-"');
export const streamIdSchema = z
  .string()
  .max(41, 'stream id is too long')
  .regex(STREAM_ID, 'a stream id looks like "1700000000000-0"');

import { z } from 'zod';
import { CONTAINER_ID_OR_PREFIX, FULL_CONTAINER_ID, HOST_ID, STREAM_ID } from '../ids';

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

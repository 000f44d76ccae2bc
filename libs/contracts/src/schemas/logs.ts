import { z } from 'zod';

/**
 * A log stream entry as stored on the bus: `l` is the lines, each `<docker timestamp> <text>\n`
 * (the same text a `log_update` carries), `n` their count, `e` the comma-separated indexes of the
 * stderr lines, `t` the Docker timestamp of the last line (where a re-follow resumes).
 */
export const logBatchFieldsSchema = z
  .object({
    l: z.string(),
    n: z.string().regex(/^[1-9]\d{0,6}$/),
    e: z.string().regex(/^(\d{1,7}(,\d{1,7})*)?$/),
    t: z.string().max(64),
  })
  .refine((f) => countLines(f.l) === Number(f.n), 'line count does not match the text');
export type LogBatchFields = z.infer<typeof logBatchFieldsSchema>;

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

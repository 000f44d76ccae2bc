import { Logger } from '@nestjs/common';
import { FlotillaLogger } from './index';

interface Line {
  time: string;
  level: string;
  msg: string;
}
const parse = (line: string): Line => JSON.parse(line) as Line;

describe('FlotillaLogger', () => {
  const capture = (options: ConstructorParameters<typeof FlotillaLogger>[0]) => {
    const lines: string[] = [];
    const logger = new FlotillaLogger({ ...options, write: (l) => lines.push(l) });
    return { logger, lines };
  };

  it('writes one JSON object per line with level, context and message', () => {
    const { logger, lines } = capture({ format: 'json', app: 'gateway' });
    logger.log('listening', 'Gateway');
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    const parsed = parse(lines[0]);
    expect(parsed).toMatchObject({
      level: 'log',
      app: 'gateway',
      context: 'Gateway',
      msg: 'listening',
    });
    expect(Number.isNaN(Date.parse(parsed.time))).toBe(false);
  });

  it('keeps an error stack', () => {
    const { logger, lines } = capture({ format: 'json' });
    logger.error('boom', 'Error: boom\n    at x', 'Ctx');
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'error',
      context: 'Ctx',
      msg: 'boom',
      stack: 'Error: boom\n    at x',
    });
  });

  it('filters by level', () => {
    const { logger, lines } = capture({ format: 'json', level: 'warn' });
    logger.log('no');
    logger.debug('no');
    logger.warn('yes');
    logger.error('yes');
    expect(lines.map((l) => parse(l).level)).toEqual(['warn', 'error']);
  });

  it('writes readable lines in pretty format', () => {
    const { logger, lines } = capture({ format: 'pretty' });
    logger.warn('careful', 'Heartbeat');
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT.* WARN +\[Heartbeat\] careful\n$/);
  });

  it('serves every Nest Logger once installed, and honours levels Nest sets', () => {
    const { logger, lines } = capture({ format: 'json', level: 'verbose' });
    Logger.overrideLogger(logger);
    try {
      new Logger('Bus').log('connected');
      Logger.overrideLogger(['error', 'warn']);
      new Logger('Bus').log('hidden');
      new Logger('Bus').warn('shown');
    } finally {
      Logger.overrideLogger(true);
    }
    expect(lines.map((l) => parse(l).msg)).toEqual(['connected', 'shown']);
  });
});

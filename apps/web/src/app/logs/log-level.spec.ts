import { detectLevel, levelOfRecord, parseJsonRecord } from './log-level';

describe('detectLevel', () => {
  it.each([
    ['2024-05-01 ERROR database unreachable', 'error'],
    ['WARN disk 91% full', 'warn'],
    ['WARNING: deprecated flag', 'warn'],
    ['INFO: listening on :8080', 'info'],
    ['DEBUG cache miss', 'debug'],
    ['TRACE enter handler', 'trace'],
    ['FATAL out of memory', 'fatal'],
    ['CRITICAL disk failure', 'fatal'],
    ['time=2024-05-01T10:00:00Z level=info msg="started"', 'info'],
    ['ts=1 lvl=warn msg=slow', 'warn'],
    ['level=ERROR msg=boom', 'error'],
    ['severity="debug" msg=x', 'debug'],
    ['[error] connect() failed (111: Connection refused)', 'error'],
    ['2024/05/01 10:00:00 [warn] 1#1: conflicting server name', 'warn'],
    ['[INFO] Started', 'info'],
    ['<warning> low memory', 'warn'],
    ['Error: ENOENT: no such file', 'error'],
    ['E0501 10:00:00.000 main.go:10] ERROR something', 'error'],
  ])('%s → %s', (line, level) => {
    expect(detectLevel(line)).toBe(level);
  });

  it.each([
    'GET /index.html 200 512',
    'the errorHandler was registered',
    'information about the thing',
    'user infoWARN text',
    '',
  ])('finds no level in %p', (line) => {
    expect(detectLevel(line)).toBeNull();
  });

  it('reads JSON level and severity fields, text or number', () => {
    expect(
      detectLevel('{"level":"warn","msg":"x"}', parseJsonRecord('{"level":"warn","msg":"x"}')),
    ).toBe('warn');
    expect(levelOfRecord({ severity: 'ERROR' })).toBe('error');
    expect(levelOfRecord({ level: 30 })).toBe('info');
    expect(levelOfRecord({ level: 50 })).toBe('error');
    expect(levelOfRecord({ level: 60 })).toBe('fatal');
    expect(levelOfRecord({ 'log.level': 'debug' })).toBe('debug');
    expect(levelOfRecord({ log: { level: 'warning' } })).toBe('warn');
    expect(levelOfRecord({ msg: 'no level' })).toBeNull();
  });

  it.each([
    [10, 'trace'],
    [20, 'debug'],
    [30, 'info'],
    [40, 'warn'],
    [50, 'error'],
    [60, 'fatal'],
    ['50', 'error'],
  ])('reads the pino/bunyan level %p as %s', (level, name) => {
    const line = JSON.stringify({ level, time: 1714557600000, msg: 'x' });
    expect(detectLevel(line, parseJsonRecord(line))).toBe(name);
  });

  it.each([
    ['{"severity":"ERROR","message":"x"}', 'error'],
    ['{"lvl":"warn","msg":"x"}', 'warn'],
    ['{"levelname":"CRITICAL","message":"x"}', 'fatal'],
    ['{"log.level":"error","message":"x"}', 'error'],
    ['{"log":{"level":"error"},"message":"x"}', 'error'],
    ['{"@timestamp":"t","level":"Error","msg":"x"}', 'error'],
  ])('reads the level of %s', (line, name) => {
    expect(detectLevel(line, parseJsonRecord(line))).toBe(name);
  });

  it('prefers the JSON field to words in the message', () => {
    const line = '{"level":"info","msg":"retrying after ERROR"}';
    expect(detectLevel(line, parseJsonRecord(line))).toBe('info');
  });

  it('parses only JSON objects', () => {
    expect(parseJsonRecord('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonRecord('  {"a":1}  ')).toEqual({ a: 1 });
    expect(parseJsonRecord('[1,2]')).toBeNull();
    expect(parseJsonRecord('{not json}')).toBeNull();
    expect(parseJsonRecord('plain text')).toBeNull();
  });
});

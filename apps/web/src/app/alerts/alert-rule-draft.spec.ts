import type { AlertRule } from '@flotilla/contracts/core';
// The gateway's own validator (a spec may load zod; the app never does), to prove the mirror.
import { alertRuleInputSchema } from '../../../../../libs/contracts/src/schemas/alerts';
import {
  checkDraft,
  describeMatch,
  describeTrigger,
  draftOf,
  emptyDraft,
  fieldOfServerError,
  type RuleDraft,
} from './alert-rule-draft';

const valid = (change: Partial<RuleDraft> = {}): RuleDraft => ({
  ...emptyDraft(),
  name: 'web exits',
  webhook_url: 'http://127.0.0.1:9/hook',
  ...change,
});

describe('checkDraft', () => {
  it('builds the input the gateway takes, leaving out empty match fields', () => {
    const checked = checkDraft(valid({ container: ' web-* ', name: '  web exits ' }));
    expect(checked).toEqual({
      ok: true,
      input: {
        name: 'web exits',
        enabled: true,
        match: { container: 'web-*' },
        trigger: { kind: 'exit_nonzero' },
        webhook_url: 'http://127.0.0.1:9/hook',
        cooldown_seconds: 300,
      },
    });
  });

  it('sends each trigger kind with its own fields only', () => {
    const crash = checkDraft(valid({ kind: 'crash_loop', exits: '4', window_seconds: '60' }));
    expect(crash.ok && crash.input.trigger).toEqual({
      kind: 'crash_loop',
      exits: 4,
      window_seconds: 60,
    });
    const log = checkDraft(valid({ kind: 'log_match', pattern: ' ERROR [0-9]+' }));
    expect(log.ok && log.input.trigger).toEqual({ kind: 'log_match', pattern: ' ERROR [0-9]+' });
    // A host-wide trigger: container, label and project do not apply and are not sent.
    const offline = checkDraft(valid({ kind: 'host_offline', host: 'h1', container: 'web-*' }));
    expect(offline.ok && offline.input.match).toEqual({ host: 'h1' });
  });

  it('names every field that is wrong, with what is wanted', () => {
    const checked = checkDraft(
      valid({
        name: ' ',
        webhook_url: 'http://user:pw@hooks.example/x',
        cooldown_seconds: '1.5',
        kind: 'crash_loop',
        exits: '1',
        window_seconds: '86401',
        host: 'no spaces',
        label: 'x'.repeat(513),
      }),
    );
    expect(checked).toEqual({
      ok: false,
      errors: {
        name: 'Name the rule.',
        webhook_url: 'An http:// or https:// URL, without a user or password in it.',
        cooldown_seconds: 'A whole number.',
        exits: 'From 2 to 100.',
        window_seconds: 'From 1 to 86400.',
        host: 'A host id: letters, digits, ".", "_" and "-", at most 63.',
        label: 'At most 512 characters.',
      },
    });
    expect(checkDraft(valid({ kind: 'log_match', pattern: '' }))).toMatchObject({
      ok: false,
      errors: { pattern: 'Give the pattern a log line must match.' },
    });
  });

  it('accepts exactly what the gateway accepts', () => {
    const drafts: Partial<RuleDraft>[] = [
      {},
      { name: '' },
      { name: 'n'.repeat(120) },
      { name: 'n'.repeat(121) },
      { webhook_url: 'https://hooks.example/services/T0/B0' },
      { webhook_url: 'ftp://hooks.example/' },
      { webhook_url: 'file:///etc/passwd' },
      { webhook_url: 'http://:secret@hooks.example/' },
      { webhook_url: 'not a url' },
      { webhook_url: `http://h/${'a'.repeat(2_040)}` },
      { cooldown_seconds: '0' },
      { cooldown_seconds: '86400' },
      { cooldown_seconds: '86401' },
      { cooldown_seconds: '-1' },
      { cooldown_seconds: '' },
      { kind: 'crash_loop', exits: '2', window_seconds: '1' },
      { kind: 'crash_loop', exits: '100', window_seconds: '86400' },
      { kind: 'crash_loop', exits: '101', window_seconds: '60' },
      { kind: 'crash_loop', exits: '3', window_seconds: '0' },
      { kind: 'log_match', pattern: 'p'.repeat(512) },
      { kind: 'log_match', pattern: 'p'.repeat(513) },
      { kind: 'oom_killed', host: 'host-1.example_a' },
      { kind: 'unhealthy', host: '-leading-dash' },
      { kind: 'unhealthy', host: 'h'.repeat(64) },
      { container: 'g'.repeat(256) },
      { container: 'g'.repeat(257) },
      { project: 'p'.repeat(512), label: 'com.example.team=ops' },
      { project: 'p'.repeat(513) },
    ];
    for (const change of drafts) {
      const checked = checkDraft(valid(change));
      const draft = valid(change);
      // The input as the gateway would receive it when the page let it through, or the draft's
      // fields sent as typed (numbers as numbers when they are numbers) when it did not.
      const sent = checked.ok ? checked.input : asTyped(draft);
      expect([change, checked.ok]).toEqual([change, alertRuleInputSchema.safeParse(sent).success]);
    }
  });
});

/** A draft sent without the page's checks, as a careless client would. */
function asTyped(d: RuleDraft): unknown {
  const num = (text: string): unknown => (/^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  const trigger =
    d.kind === 'crash_loop'
      ? { kind: d.kind, exits: num(d.exits), window_seconds: num(d.window_seconds) }
      : d.kind === 'log_match'
        ? { kind: d.kind, pattern: d.pattern }
        : { kind: d.kind };
  const match = Object.fromEntries(
    (['host', 'container', 'label', 'project'] as const)
      .filter((f) => d[f] !== '')
      .map((f) => [f, d[f]]),
  );
  return {
    name: d.name.trim(),
    enabled: d.enabled,
    match,
    trigger,
    webhook_url: d.webhook_url,
    cooldown_seconds: num(d.cooldown_seconds),
  };
}

describe('draftOf', () => {
  it('puts a stored rule back in the editor unchanged', () => {
    const rule: AlertRule = {
      id: 'r1',
      name: 'loops',
      enabled: false,
      match: { host: 'h1', project: 'shop' },
      trigger: { kind: 'crash_loop', exits: 5, window_seconds: 120 },
      webhook_url: 'https://hooks.example/x',
      cooldown_seconds: 60,
      updated_by: 'root',
      updated_at: '2026-11-30T16:00:00.000Z',
    };
    const checked = checkDraft(draftOf(rule));
    expect(checked).toEqual({
      ok: true,
      input: {
        name: rule.name,
        enabled: rule.enabled,
        match: rule.match,
        trigger: rule.trigger,
        webhook_url: rule.webhook_url,
        cooldown_seconds: rule.cooldown_seconds,
      },
    });
  });
});

describe('fieldOfServerError', () => {
  it('finds the field a gateway 400 names, or none', () => {
    expect(fieldOfServerError('trigger.pattern: invalid or unsupported Perl syntax: `(?=`')).toBe(
      'pattern',
    );
    expect(fieldOfServerError('webhook_url: webhook_url must be an http(s) URL')).toBe(
      'webhook_url',
    );
    expect(fieldOfServerError('match.host: host_id may hold only letters')).toBe('host');
    expect(fieldOfServerError('at most 500 alert rules')).toBeNull();
    expect(fieldOfServerError('extra: Unrecognized key')).toBeNull();
  });
});

describe('describing rules', () => {
  it('says what fires a rule and what it looks at', () => {
    expect(describeTrigger({ kind: 'crash_loop', exits: 3, window_seconds: 300 })).toBe(
      'Crash loop: 3 exits in 300 s',
    );
    expect(describeTrigger({ kind: 'log_match', pattern: 'ERROR' })).toBe(
      'Log line matches /ERROR/',
    );
    expect(describeMatch({ match: {}, trigger: { kind: 'exit_nonzero' } })).toBe('every container');
    expect(describeMatch({ match: {}, trigger: { kind: 'host_offline' } })).toBe('every host');
    expect(
      describeMatch({
        match: { host: 'h1', container: 'web-*', label: 'tier=web' },
        trigger: { kind: 'unhealthy' },
      }),
    ).toBe('host h1 · name web-* · label tier=web');
  });
});

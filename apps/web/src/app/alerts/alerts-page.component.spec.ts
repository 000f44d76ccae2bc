import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AlertFiring, AlertRule } from '@flotilla/contracts/core';
import { FakeSocket, provideFakeSocket } from '../../testing/fake-socket';
import { FETCH } from '../auth/login.service';
import { SocketService } from '../core/socket/socket.service';
import { ConfirmService } from '../shared/confirm.service';
import { AlertsPageComponent } from './alerts-page.component';

const RULE: AlertRule = {
  id: 'r1',
  name: 'web exits',
  enabled: true,
  match: { container: 'web-*' },
  trigger: { kind: 'exit_nonzero' },
  webhook_url: 'http://127.0.0.1:9/hook',
  cooldown_seconds: 300,
  updated_by: 'root',
  updated_at: '2026-11-30T16:00:00.000Z',
};

const firing = (change: Partial<AlertFiring>): AlertFiring => ({
  id: '1-0',
  rule_id: 'r1',
  rule_name: 'web exits',
  kind: 'exit_nonzero',
  host_id: 'h1',
  container_id: 'a'.repeat(64),
  container_name: 'web-1',
  at: '2026-11-30T16:01:00.000Z',
  event_id: '1-0',
  text: '[web exits] web-1 on h1 exited with code 3',
  status: 'delivered',
  attempts: 1,
  http_status: 200,
  error: null,
  ...change,
});

interface Call {
  path: string;
  method: string;
  body: unknown;
}

/** A gateway in a box: answers by path and method, records what it was asked. */
class FakeGateway {
  readonly calls: Call[] = [];
  rules: AlertRule[] = [RULE];
  firings: AlertFiring[] = [];
  /** Every write is answered so while set. */
  refuseWrite: { status: number; body: unknown } | null = null;
  readsStatus = 200;

  readonly fetch = jest.fn((path: string, init: RequestInit = {}): Promise<Response> =>
    Promise.resolve(this.respond(path, init)),
  );

  private respond(path: string, init: RequestInit): Response {
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    this.calls.push({ path, method, body });
    if (method === 'GET') {
      if (this.readsStatus !== 200) return answer(this.readsStatus, { error: 'forbidden' });
      if (path.startsWith('/api/alert-firings')) return answer(200, { firings: this.firings });
      return answer(200, { rules: this.rules });
    }
    if (this.refuseWrite) return answer(this.refuseWrite.status, this.refuseWrite.body);
    if (method === 'POST') {
      const rule = {
        ...(body as AlertRule),
        id: 'r2',
        updated_by: 'root',
        updated_at: RULE.updated_at,
      };
      this.rules = [...this.rules, rule];
      return answer(201, { rule });
    }
    return answer(200, { status: 'ok' });
  }

  writes(): Call[] {
    return this.calls.filter((c) => c.method !== 'GET');
  }
}

function answer(status: number, body: unknown): Response {
  return {
    ok: status >= 200 && status < 300,
    status,
    json: () => Promise.resolve(body),
  } as Response;
}

describe('AlertsPageComponent', () => {
  let socket: FakeSocket;
  let gateway: FakeGateway;
  let fixture: ComponentFixture<AlertsPageComponent>;
  let el: HTMLElement;

  beforeEach(() => {
    socket = new FakeSocket();
    gateway = new FakeGateway();
    TestBed.configureTestingModule({
      providers: [
        provideFakeSocket(socket),
        provideRouter([]),
        { provide: FETCH, useValue: gateway.fetch },
      ],
    });
    // Listening before the fake gateway speaks, as the app's shell is.
    TestBed.inject(SocketService);
  });

  afterEach(() => {
    fixture?.destroy();
    TestBed.resetTestingModule();
  });

  const connectAs = (manage_alerts: boolean): void => {
    socket.serverConnect();
    socket.serverSend('connection_established', {
      message: 'Connected to Flotilla',
      protocol_version: 1,
      server_id: 'gw-1',
      user: 'someone',
      actions: [],
      manage_alerts,
    });
  };

  const render = async (): Promise<void> => {
    fixture = TestBed.createComponent(AlertsPageComponent);
    el = fixture.nativeElement as HTMLElement;
    await settle();
  };

  /** Lets the fake gateway's answers land and the page render them. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await fixture.whenStable();
    }
  };

  const q = (testId: string): HTMLElement | null => el.querySelector(`[data-testid=${testId}]`);
  const click = async (testId: string): Promise<void> => {
    q(testId)?.click();
    await settle();
  };
  const type = async (testId: string, value: string): Promise<void> => {
    const input = q(testId) as HTMLInputElement | HTMLSelectElement;
    input.value = value;
    input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input'));
    await settle();
  };

  it('tells a user who is not a fleet admin that the page is for admins only, and asks nothing', async () => {
    connectAs(false);
    await render();
    expect(q('alerts-admins-only')?.textContent).toContain('Admins only');
    expect(q('alert-new')).toBeNull();
    expect(gateway.calls).toEqual([]);
  });

  it('says admins only when the gateway refuses the read, whatever the page was told', async () => {
    gateway.readsStatus = 403;
    await render();
    expect(q('alerts-admins-only')).not.toBeNull();
    expect(q('rules-table')).toBeNull();
  });

  it('lists the rules and the firings as the gateway sends them, newest first, with their outcome', async () => {
    gateway.firings = [
      firing({
        id: '2-0',
        event_id: '2-0',
        status: 'failed',
        attempts: 5,
        http_status: 500,
        error: 'HTTP 500',
      }),
      firing({ id: '1-0', delivered_at: '2026-11-30T16:01:01.000Z' }),
    ];
    connectAs(true);
    await render();
    const rule = el.querySelector('[data-testid=rule-row]');
    expect(rule?.textContent).toContain('web exits');
    expect(rule?.textContent).toContain('Exits non-zero');
    expect(rule?.textContent).toContain('name web-*');
    const rows = [...el.querySelectorAll<HTMLElement>('[data-testid=firing-row]')];
    expect(rows.map((r) => r.dataset['status'])).toEqual(['failed', 'delivered']);
    expect(rows[0].querySelector('[data-testid=firing-status]')?.textContent).toContain('failed');
    expect(rows[0].textContent).toContain('HTTP 500');
    expect(rows[1].querySelector('[data-testid=firing-status]')?.textContent).toContain(
      'delivered',
    );
    expect(gateway.calls.map((c) => c.path)).toEqual([
      '/api/alert-rules',
      '/api/alert-firings?limit=100',
    ]);
  });

  it('shows a firing text as text, never as markup', async () => {
    gateway.firings = [firing({ text: '[r] web-1 logged: <img src=x onerror=alert(1)>' })];
    connectAs(true);
    await render();
    const row = q('firing-row');
    expect(row?.querySelector('img')).toBeNull();
    expect(row?.textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('checks a rule as the gateway would before sending it, field by field', async () => {
    connectAs(true);
    await render();
    await click('alert-new');
    await type('rule-name', 'db loops');
    await type('rule-webhook', 'ftp://hooks.example/');
    await type('rule-kind', 'crash_loop');
    await type('rule-exits', '1');
    await click('rule-save');
    expect(q('rule-error-webhook_url')?.textContent).toContain('http://');
    expect(q('rule-error-exits')?.textContent).toContain('From 2 to 100');
    expect(gateway.writes()).toEqual([]);

    await type('rule-webhook', 'https://hooks.example/x');
    expect(q('rule-error-webhook_url')).toBeNull();
    await type('rule-exits', '4');
    await type('rule-project', 'shop');
    await click('rule-save');
    expect(gateway.writes()).toEqual([
      {
        path: '/api/alert-rules',
        method: 'POST',
        body: {
          name: 'db loops',
          enabled: true,
          match: { project: 'shop' },
          trigger: { kind: 'crash_loop', exits: 4, window_seconds: 300 },
          webhook_url: 'https://hooks.example/x',
          cooldown_seconds: 300,
        },
      },
    ]);
    expect(q('rule-form')).toBeNull();
    expect(
      [...el.querySelectorAll('[data-testid=rule-row]')].map((r) => r.getAttribute('data-rule')),
    ).toEqual(['web exits', 'db loops']);
  });

  it('shows the gateway’s 400 next to the field it names, and keeps the form', async () => {
    connectAs(true);
    await render();
    await click('alert-new');
    await type('rule-name', 'lookahead');
    await type('rule-webhook', 'http://127.0.0.1:9/hook');
    await type('rule-kind', 'log_match');
    await type('rule-pattern', 'a(?=b)');
    gateway.refuseWrite = {
      status: 400,
      body: {
        error: 'trigger.pattern: invalid or unsupported Perl syntax: `(?=`',
        code: 'invalid_payload',
      },
    };
    await click('rule-save');
    expect(q('rule-error-pattern')?.textContent).toContain('invalid or unsupported Perl syntax');
    expect(q('rule-form')).not.toBeNull();

    gateway.refuseWrite = {
      status: 400,
      body: { error: 'at most 500 alert rules', code: 'invalid_payload' },
    };
    await click('rule-save');
    expect(q('rule-form-error')?.textContent).toContain('at most 500 alert rules');
  });

  it('edits a rule in place and deletes one once confirmed', async () => {
    connectAs(true);
    await render();
    await click('rule-edit');
    expect((q('rule-name') as HTMLInputElement).value).toBe('web exits');
    expect((q('rule-container') as HTMLInputElement).value).toBe('web-*');
    await type('rule-cooldown', '60');
    await click('rule-save');
    expect(gateway.writes()[0]).toMatchObject({
      path: '/api/alert-rules/r1',
      method: 'PUT',
      body: { name: 'web exits', cooldown_seconds: 60, match: { container: 'web-*' } },
    });

    const confirm = TestBed.inject(ConfirmService);
    await click('rule-delete');
    expect(confirm.request()?.title).toBe('Delete rule web exits?');
    confirm.answer(false);
    await settle();
    expect(gateway.writes()).toHaveLength(1);
    await click('rule-delete');
    confirm.answer(true);
    await settle();
    expect(gateway.writes()[1]).toMatchObject({ path: '/api/alert-rules/r1', method: 'DELETE' });
  });
});

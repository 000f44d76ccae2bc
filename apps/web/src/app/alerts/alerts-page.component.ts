import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  signal,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  ALERT_TRIGGER_KINDS,
  type AlertFiring,
  type AlertRule,
  type AlertTriggerKind,
} from '@flotilla/contracts/core';
import { SocketService } from '../core/socket/socket.service';
import { FleetStore } from '../fleet/fleet.store';
import { ConfirmService } from '../shared/confirm.service';
import { formatLogTimestamp } from '../shared/format';
import {
  TRIGGER_LABELS,
  checkDraft,
  describeMatch,
  describeTrigger,
  draftOf,
  emptyDraft,
  fieldOfServerError,
  matchesContainers,
  type DraftErrors,
  type DraftField,
  type RuleDraft,
} from './alert-rule-draft';
import { AlertsApiError, AlertsService, FIRINGS_SHOWN } from './alerts.service';

/** How often the firing history is read again while the page is open. */
const REFRESH_MS = 5_000;

/** The editor's text fields that narrow which containers a rule looks at. */
const MATCH_FIELDS = [
  { field: 'container', label: 'Container name', hint: 'glob: * any run, ? one character' },
  { field: 'label', label: 'Label', hint: 'key=value, or key' },
  { field: 'project', label: 'Compose project', hint: 'com.docker.compose.project' },
] as const;

interface Editing {
  /** null: a new rule. */
  id: string | null;
  draft: RuleDraft;
}

/**
 * `/alerts`, for admins of the whole fleet: the shared alert rules (create, edit, delete through
 * `/api/alert-rules`) and the firing history, newest first. Everyone else is told it is for
 * admins only, and the gateway refuses them anyway.
 */
@Component({
  selector: 'flo-alerts-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink],
  styleUrl: './alerts-page.component.css',
  template: `
    <section class="alerts" aria-labelledby="alerts-title">
      <header class="page-header">
        <h1 id="alerts-title" class="page-header__title">Alerts</h1>
        <span class="toolbar__spacer"></span>
        @if (!adminsOnly() && !editing()) {
          <button
            type="button"
            class="button button--primary"
            data-testid="alert-new"
            (click)="startNew()"
          >
            New rule
          </button>
        }
      </header>

      @if (adminsOnly()) {
        <p class="empty" role="status" data-testid="alerts-admins-only">
          Admins only: alert rules and their firings are managed by admins of the whole fleet.
        </p>
      } @else {
        @if (loadError(); as message) {
          <p class="alerts__error" role="alert" data-testid="alerts-error">{{ message }}</p>
        }

        @if (editing(); as edit) {
          <form
            class="alerts__editor"
            data-testid="rule-form"
            novalidate
            [attr.aria-label]="edit.id ? 'Edit rule' : 'New rule'"
            (submit)="$event.preventDefault(); save()"
          >
            <h2 class="section-title">{{ edit.id ? 'Edit rule' : 'New rule' }}</h2>
            <div class="alerts__grid">
              <label class="alerts__field alerts__field--wide">
                <span class="field__label">Name</span>
                <input
                  class="input"
                  data-testid="rule-name"
                  [value]="edit.draft.name"
                  [attr.aria-invalid]="!!errors().name"
                  (input)="set('name', $event)"
                />
                @if (errors().name; as message) {
                  <span class="alerts__field-error" data-testid="rule-error-name">{{
                    message
                  }}</span>
                }
              </label>
              <label class="alerts__check">
                <input
                  type="checkbox"
                  data-testid="rule-enabled"
                  [checked]="edit.draft.enabled"
                  (change)="setEnabled($event)"
                />
                Enabled
              </label>

              <label class="alerts__field">
                <span class="field__label">When</span>
                <select class="input" data-testid="rule-kind" (change)="setKind($event)">
                  @for (kind of kinds; track kind) {
                    <option [value]="kind" [selected]="kind === edit.draft.kind">
                      {{ triggerLabels[kind] }}
                    </option>
                  }
                </select>
                @if (errors().kind; as message) {
                  <span class="alerts__field-error" data-testid="rule-error-kind">{{
                    message
                  }}</span>
                }
              </label>
              @if (edit.draft.kind === 'crash_loop') {
                <label class="alerts__field alerts__field--narrow">
                  <span class="field__label">Exits</span>
                  <input
                    class="input"
                    inputmode="numeric"
                    data-testid="rule-exits"
                    [value]="edit.draft.exits"
                    [attr.aria-invalid]="!!errors().exits"
                    (input)="set('exits', $event)"
                  />
                  @if (errors().exits; as message) {
                    <span class="alerts__field-error" data-testid="rule-error-exits">{{
                      message
                    }}</span>
                  }
                </label>
                <label class="alerts__field alerts__field--narrow">
                  <span class="field__label">Within (seconds)</span>
                  <input
                    class="input"
                    inputmode="numeric"
                    data-testid="rule-window"
                    [value]="edit.draft.window_seconds"
                    [attr.aria-invalid]="!!errors().window_seconds"
                    (input)="set('window_seconds', $event)"
                  />
                  @if (errors().window_seconds; as message) {
                    <span class="alerts__field-error" data-testid="rule-error-window_seconds">{{
                      message
                    }}</span>
                  }
                </label>
              }
              @if (edit.draft.kind === 'log_match') {
                <label class="alerts__field alerts__field--wide">
                  <span class="field__label">Pattern (RE2)</span>
                  <input
                    class="input mono"
                    spellcheck="false"
                    data-testid="rule-pattern"
                    placeholder="ERROR|panic"
                    [value]="edit.draft.pattern"
                    [attr.aria-invalid]="!!errors().pattern"
                    (input)="set('pattern', $event)"
                  />
                  @if (errors().pattern; as message) {
                    <span class="alerts__field-error" data-testid="rule-error-pattern">{{
                      message
                    }}</span>
                  }
                </label>
              }
            </div>

            <fieldset class="alerts__grid">
              <legend class="field__label">
                Which {{ containersMatter() ? 'containers (every field set must hold)' : 'hosts' }}
              </legend>
              <label class="alerts__field">
                <span class="field__label">Host</span>
                <input
                  class="input"
                  list="alerts-hosts"
                  placeholder="any host"
                  data-testid="rule-host"
                  [value]="edit.draft.host"
                  [attr.aria-invalid]="!!errors().host"
                  (input)="set('host', $event)"
                />
                <datalist id="alerts-hosts">
                  @for (h of hosts(); track h) {
                    <option [value]="h"></option>
                  }
                </datalist>
                @if (errors().host; as message) {
                  <span class="alerts__field-error" data-testid="rule-error-host">{{
                    message
                  }}</span>
                }
              </label>
              @if (containersMatter()) {
                @for (m of matchFields; track m.field) {
                  <label class="alerts__field">
                    <span class="field__label">{{ m.label }}</span>
                    <input
                      class="input"
                      spellcheck="false"
                      [placeholder]="m.hint"
                      [attr.data-testid]="'rule-' + m.field"
                      [value]="edit.draft[m.field]"
                      [attr.aria-invalid]="!!errors()[m.field]"
                      (input)="set(m.field, $event)"
                    />
                    @if (errors()[m.field]; as message) {
                      <span
                        class="alerts__field-error"
                        [attr.data-testid]="'rule-error-' + m.field"
                        >{{ message }}</span
                      >
                    }
                  </label>
                }
              }
            </fieldset>

            <div class="alerts__grid">
              <label class="alerts__field alerts__field--wide">
                <span class="field__label">Webhook URL (JSON POST with a Slack-style "text")</span>
                <input
                  class="input mono"
                  type="url"
                  spellcheck="false"
                  placeholder="https://hooks.example.com/…"
                  data-testid="rule-webhook"
                  [value]="edit.draft.webhook_url"
                  [attr.aria-invalid]="!!errors().webhook_url"
                  (input)="set('webhook_url', $event)"
                />
                @if (errors().webhook_url; as message) {
                  <span class="alerts__field-error" data-testid="rule-error-webhook_url">{{
                    message
                  }}</span>
                }
              </label>
              <label class="alerts__field alerts__field--narrow">
                <span class="field__label">Cooldown (seconds)</span>
                <input
                  class="input"
                  inputmode="numeric"
                  data-testid="rule-cooldown"
                  [value]="edit.draft.cooldown_seconds"
                  [attr.aria-invalid]="!!errors().cooldown_seconds"
                  (input)="set('cooldown_seconds', $event)"
                />
                @if (errors().cooldown_seconds; as message) {
                  <span class="alerts__field-error" data-testid="rule-error-cooldown_seconds">{{
                    message
                  }}</span>
                }
              </label>
            </div>

            @if (formError(); as message) {
              <p class="alerts__error" role="alert" data-testid="rule-form-error">{{ message }}</p>
            }
            <div class="alerts__actions">
              <button type="button" class="button" data-testid="rule-cancel" (click)="cancel()">
                Cancel
              </button>
              <button
                type="submit"
                class="button button--primary"
                data-testid="rule-save"
                [disabled]="saving()"
              >
                {{ edit.id ? 'Save rule' : 'Create rule' }}
              </button>
            </div>
          </form>
        }

        <h2 class="section-title">Rules</h2>
        @if (rules().length === 0) {
          <p class="empty" data-testid="rules-empty">
            {{ loaded() ? 'No alert rules yet.' : 'Loading…' }}
          </p>
        } @else {
          <div class="alerts__scroll">
            <table class="alerts__table" data-testid="rules-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">When</th>
                  <th scope="col">Which</th>
                  <th scope="col">Webhook</th>
                  <th scope="col">Cooldown</th>
                  <th scope="col">Changed</th>
                  <th scope="col"><span class="visually-hidden">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                @for (rule of rules(); track rule.id) {
                  <tr
                    data-testid="rule-row"
                    [attr.data-rule]="rule.name"
                    [class.muted]="!rule.enabled"
                  >
                    <td>
                      {{ rule.name }}
                      @if (!rule.enabled) {
                        <span class="chip">off</span>
                      }
                    </td>
                    <td>{{ trigger(rule) }}</td>
                    <td>{{ match(rule) }}</td>
                    <td class="mono alerts__url" [title]="rule.webhook_url">
                      {{ rule.webhook_url }}
                    </td>
                    <td>{{ rule.cooldown_seconds }} s</td>
                    <td class="muted">{{ rule.updated_by }} · {{ stamp(rule.updated_at) }}</td>
                    <td class="alerts__nowrap">
                      <button
                        type="button"
                        class="button button--small"
                        data-testid="rule-edit"
                        [attr.aria-label]="'Edit rule ' + rule.name"
                        (click)="startEdit(rule)"
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        class="button button--small button--danger-quiet"
                        data-testid="rule-delete"
                        [attr.aria-label]="'Delete rule ' + rule.name"
                        (click)="remove(rule)"
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }

        <h2 class="section-title">
          Firings <span class="alerts__sub">newest first, the last {{ firingsShown }}</span>
        </h2>
        @if (firings().length === 0) {
          <p class="empty" data-testid="firings-empty">
            {{ loaded() ? 'No rule has fired yet.' : 'Loading…' }}
          </p>
        } @else {
          <div class="alerts__scroll">
            <table class="alerts__table" data-testid="firings-table">
              <thead>
                <tr>
                  <th scope="col">At</th>
                  <th scope="col">Rule</th>
                  <th scope="col">What</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Receiver</th>
                </tr>
              </thead>
              <tbody>
                @for (f of firings(); track f.rule_id + ' ' + f.host_id + ' ' + f.event_id) {
                  <tr
                    data-testid="firing-row"
                    [attr.data-rule]="f.rule_name"
                    [attr.data-status]="f.status"
                  >
                    <td class="mono">{{ stamp(f.at) }}</td>
                    <td>{{ f.rule_name }}</td>
                    <td>
                      @if (f.container_id) {
                        <a [routerLink]="['/containers', f.host_id, f.container_id]">{{
                          f.container_name ?? f.container_id.slice(0, 12)
                        }}</a>
                        <span class="muted"> on {{ f.host_id }}</span>
                      } @else {
                        <span>host {{ f.host_id }}</span>
                      }
                      <span class="alerts__text">{{ f.text }}</span>
                    </td>
                    <td>
                      <span
                        class="alerts__status"
                        [class.alerts__status--failed]="f.status === 'failed'"
                        data-testid="firing-status"
                        >{{ f.status === 'delivered' ? '✓ delivered' : '✕ failed' }}</span
                      >
                    </td>
                    <td>{{ f.attempts }}</td>
                    <td class="muted">
                      @if (f.http_status !== undefined) {
                        HTTP {{ f.http_status }}
                      }
                      @if (f.error) {
                        <span class="alerts__field-error">{{ f.error }}</span>
                      } @else if (f.delivered_at) {
                        · {{ stamp(f.delivered_at) }}
                      }
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      }
    </section>
  `,
})
export class AlertsPageComponent {
  private readonly api = inject(AlertsService);
  private readonly socket = inject(SocketService);
  private readonly fleet = inject(FleetStore);
  private readonly confirm = inject(ConfirmService);

  protected readonly kinds = ALERT_TRIGGER_KINDS;
  protected readonly triggerLabels = TRIGGER_LABELS;
  protected readonly matchFields = MATCH_FIELDS;
  protected readonly firingsShown = FIRINGS_SHOWN;

  protected readonly rules = signal<AlertRule[]>([]);
  protected readonly firings = signal<AlertFiring[]>([]);
  protected readonly loaded = signal(false);
  protected readonly loadError = signal<string | null>(null);
  protected readonly editing = signal<Editing | null>(null);
  protected readonly errors = signal<DraftErrors>({});
  protected readonly formError = signal<string | null>(null);
  protected readonly saving = signal(false);
  /** The gateway refused this user's read (it decides, whatever the page was told). */
  private readonly refused = signal(false);

  /**
   * Not for this user: the gateway said so on connecting, or refused a read. Before it has said
   * anything the page asks, and the answer decides.
   */
  protected readonly adminsOnly = computed(
    () => this.refused() || (this.socket.server() !== null && !this.socket.managesAlerts()),
  );
  protected readonly containersMatter = computed(() =>
    matchesContainers(this.editing()?.draft.kind ?? 'exit_nonzero'),
  );
  protected readonly hosts = computed(() =>
    [...new Set(this.fleet.hosts().map((h) => h.host_id))].sort(),
  );

  constructor() {
    void this.load();
    const timer = setInterval(() => void this.loadFirings(), REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  protected startNew(): void {
    this.open({ id: null, draft: emptyDraft() });
  }

  protected startEdit(rule: AlertRule): void {
    this.open({ id: rule.id, draft: draftOf(rule) });
  }

  protected cancel(): void {
    this.editing.set(null);
  }

  protected set(field: DraftField, event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    this.update({ [field]: value });
    this.errors.update((errors) => ({ ...errors, [field]: undefined }));
  }

  protected setEnabled(event: Event): void {
    this.update({ enabled: (event.target as HTMLInputElement).checked });
  }

  protected setKind(event: Event): void {
    this.update({ kind: (event.target as HTMLSelectElement).value as AlertTriggerKind });
    this.errors.set({});
  }

  /** Checks as the gateway would, then stores; the gateway's 400 lands next to its field. */
  protected async save(): Promise<void> {
    const edit = this.editing();
    if (!edit || this.saving()) return;
    this.formError.set(null);
    const checked = checkDraft(edit.draft);
    if (!checked.ok) {
      this.errors.set(checked.errors);
      return;
    }
    this.errors.set({});
    this.saving.set(true);
    try {
      if (edit.id === null) await this.api.create(checked.input);
      else await this.api.replace(edit.id, checked.input);
      this.editing.set(null);
      await this.loadRules();
    } catch (error: unknown) {
      this.showSaveError(error);
    } finally {
      this.saving.set(false);
    }
  }

  protected async remove(rule: AlertRule): Promise<void> {
    const ok = await this.confirm.ask({
      title: `Delete rule ${rule.name}?`,
      message: 'It stops firing on every replica. Its past firings stay in the history.',
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!ok) return;
    try {
      await this.api.remove(rule.id);
      if (this.editing()?.id === rule.id) this.editing.set(null);
      await this.loadRules();
    } catch (error: unknown) {
      this.loadError.set(messageOf(error));
    }
  }

  protected trigger(rule: AlertRule): string {
    return describeTrigger(rule.trigger);
  }

  protected match(rule: AlertRule): string {
    return describeMatch(rule);
  }

  protected stamp(iso: string): string {
    return formatLogTimestamp(iso).slice(0, 19);
  }

  private open(edit: Editing): void {
    this.errors.set({});
    this.formError.set(null);
    this.editing.set(edit);
  }

  private update(change: Partial<RuleDraft>): void {
    this.editing.update((edit) => edit && { ...edit, draft: { ...edit.draft, ...change } });
  }

  private showSaveError(error: unknown): void {
    if (error instanceof AlertsApiError && error.status === 400) {
      const field = fieldOfServerError(error.message);
      if (field) {
        this.errors.set({ [field]: error.message });
        return;
      }
    }
    this.formError.set(messageOf(error));
  }

  private async load(): Promise<void> {
    await Promise.all([this.loadRules(), this.loadFirings()]);
    this.loaded.set(true);
  }

  private async loadRules(): Promise<void> {
    if (this.adminsOnly()) return;
    try {
      this.rules.set(await this.api.rules());
      this.loadError.set(null);
    } catch (error: unknown) {
      this.readFailed(error);
    }
  }

  private async loadFirings(): Promise<void> {
    if (this.adminsOnly()) return;
    try {
      this.firings.set(await this.api.firings());
    } catch (error: unknown) {
      this.readFailed(error);
    }
  }

  private readFailed(error: unknown): void {
    if (error instanceof AlertsApiError && error.forbidden) this.refused.set(true);
    else this.loadError.set(messageOf(error));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { filter, merge } from 'rxjs';
import type { ContainerExits, ExitView } from '@flotilla/contracts/core';
import { SocketService } from '../core/socket/socket.service';
import { formatLogTimestamp } from '../shared/format';
import { CrashLoopBadgeComponent } from './crash-loop-badge.component';
import { ExitsService } from './exits.service';

/** Exits shown side by side: enough to compare a loop's runs, few enough to read. */
export const EXITS_SHOWN = 5;

/** "137 (SIGKILL)", "1", "0". */
export function exitCodeText(exit: Pick<ExitView, 'exit_code' | 'signal'>): string {
  return exit.signal ? `${exit.exit_code} (${exit.signal.name})` : String(exit.exit_code);
}

/**
 * A container's last exits, newest first, side by side: how each ended (exit code, signal, out
 * of memory, restart count, time) and the last lines it wrote. Read again whenever the gateway
 * pushes an exit of this container, and after every reconnect.
 */
@Component({
  selector: 'flo-container-exits',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CrashLoopBadgeComponent],
  host: { class: 'exits', 'data-testid': 'container-exits' },
  template: `
    <div class="exits__head">
      <h2 class="section-title">Last exits</h2>
      @if (answer()?.crash_loop; as loop) {
        @if (loop.looping) {
          <flo-crash-loop-badge [loop]="loop" />
        }
      }
    </div>
    @if (error(); as message) {
      <p class="muted" role="alert" data-testid="container-exits-error">{{ message }}</p>
    }
    @if (answer(); as a) {
      @if (a.exits.length === 0) {
        <p class="muted" data-testid="container-exits-empty">No exit recorded.</p>
      } @else {
        <ol class="exits__list" aria-label="Last exits, newest first">
          @for (e of a.exits; track e.id) {
            <li class="exit-card" data-testid="exit-card" [attr.data-exit-id]="e.id">
              <dl class="exit-card__facts">
                <dt>Exited</dt>
                <dd data-testid="exit-time" [title]="e.finished_at">{{ time(e.finished_at) }}</dd>
                <dt>Exit code</dt>
                <dd data-testid="exit-code" [class.exit-card__bad]="e.exit_code !== 0">
                  {{ codeText(e) }}
                </dd>
                <dt>Out of memory</dt>
                <dd data-testid="exit-oom" [class.exit-card__bad]="e.oom_killed">
                  {{ e.oom_killed ? 'yes: killed by Docker' : 'no' }}
                </dd>
                <dt>Restarts</dt>
                <dd data-testid="exit-restarts">{{ e.restart_count }}</dd>
              </dl>
              @if (e.lines_error) {
                <p class="muted exit-card__note">Lines incomplete: {{ e.lines_error }}</p>
              }
              <ol class="exit-card__lines" data-testid="exit-lines" aria-label="Last lines">
                @for (l of e.lines; track $index) {
                  <li
                    class="exit-card__line"
                    [class.exit-card__line--stderr]="l.stream === 'stderr'"
                    [title]="l.ts"
                    data-testid="exit-line"
                    [textContent]="l.text"
                  ></li>
                } @empty {
                  <li class="muted">No output.</li>
                }
              </ol>
            </li>
          }
        </ol>
      }
    }
  `,
})
export class ContainerExitsComponent {
  readonly host = input.required<string>();
  /** The container's full id. */
  readonly containerId = input.required<string>();

  private readonly exitsApi = inject(ExitsService);
  protected readonly answer = signal<ContainerExits | null>(null);
  protected readonly error = signal<string | null>(null);
  private readonly target = computed(() => ({ host: this.host(), id: this.containerId() }), {
    equal: (a, b) => a.host === b.host && a.id === b.id,
  });
  /** Answers to older reads (another container, an earlier push) are dropped. */
  private reads = 0;

  constructor() {
    effect(() => {
      const target = this.target();
      untracked(() => {
        this.answer.set(null);
        this.read(target.host, target.id);
      });
    });
    const socket = inject(SocketService);
    merge(
      socket
        .on('crash_loop')
        .pipe(filter((p) => p.host_id === this.host() && p.container_id === this.containerId())),
      socket.on('initial_state'),
    )
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe(() => this.read(this.host(), this.containerId()));
  }

  protected time(ts: string): string {
    return formatLogTimestamp(ts);
  }

  protected codeText(e: ExitView): string {
    return exitCodeText(e);
  }

  private read(hostId: string, containerId: string): void {
    const read = ++this.reads;
    this.exitsApi.exits(hostId, containerId, EXITS_SHOWN).then(
      (answer) => {
        if (read !== this.reads) return;
        this.answer.set(answer);
        this.error.set(null);
      },
      (error: unknown) => {
        if (read !== this.reads) return;
        this.error.set(error instanceof Error ? error.message : String(error));
      },
    );
  }
}

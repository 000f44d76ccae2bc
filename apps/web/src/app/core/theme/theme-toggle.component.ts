import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { ThemeService } from './theme.service';

@Component({
  selector: 'flo-theme-toggle',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button
      type="button"
      class="button button--ghost theme-toggle"
      data-testid="theme-toggle"
      [attr.data-theme]="theme.theme()"
      [attr.aria-label]="'Theme: ' + label() + '. Change theme'"
      [title]="'Theme: ' + label() + ' (click to change)'"
      (click)="theme.cycle()"
    >
      <span aria-hidden="true">{{ icon() }}</span>
      <span class="theme-toggle__label">{{ label() }}</span>
    </button>
  `,
})
export class ThemeToggleComponent {
  protected readonly theme = inject(ThemeService);
  protected readonly label = computed(() => {
    const pref = this.theme.preference();
    return pref === 'system' ? `Auto (${this.theme.theme()})` : pref === 'dark' ? 'Dark' : 'Light';
  });
  protected readonly icon = computed(() => {
    const pref = this.theme.preference();
    return pref === 'system' ? '◐' : pref === 'dark' ? '☾' : '☀';
  });
}

import { ChangeDetectionStrategy, Component } from '@angular/core';

/** An eye, drawn (an emoji depends on the fonts the viewer has); decorative, in currentColor. */
@Component({
  selector: 'flo-eye-icon',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'aria-hidden': 'true', style: 'display: inline-flex' },
  template: `<svg viewBox="0 0 16 16" width="14" height="14" focusable="false">
    <path
      fill="currentColor"
      d="M8 3C4.4 3 1.6 5.3.5 8c1.1 2.7 3.9 5 7.5 5s6.4-2.3 7.5-5C14.4 5.3 11.6 3 8 3zm0 8.2a3.2 3.2 0 1 1 0-6.4 3.2 3.2 0 0 1 0 6.4zm0-4.9a1.7 1.7 0 1 0 0 3.4 1.7 1.7 0 0 0 0-3.4z"
    />
  </svg>`,
})
export class EyeIconComponent {}

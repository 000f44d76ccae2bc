import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { LoginService } from './login.service';

/** `/login`: user and password for `AUTH_MODE=users`, styled with the app's controls and theme. */
@Component({
  selector: 'flo-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form
      class="login"
      data-testid="login-form"
      (submit)="submit($event)"
      aria-labelledby="login-title"
    >
      <h1 id="login-title" class="login__title">Sign in to Flotilla</h1>
      <label class="login__field">
        <span class="field__label">User</span>
        <input
          class="input login__input"
          name="user"
          autocomplete="username"
          data-testid="login-user"
          required
        />
      </label>
      <label class="login__field">
        <span class="field__label">Password</span>
        <input
          class="input login__input"
          name="password"
          type="password"
          autocomplete="current-password"
          data-testid="login-password"
          required
        />
      </label>
      @if (error(); as message) {
        <p class="login__error" role="alert" data-testid="login-error">{{ message }}</p>
      }
      <button
        type="submit"
        class="button button--primary login__submit"
        data-testid="login-submit"
        [disabled]="busy()"
      >
        Sign in
      </button>
    </form>
  `,
  styles: `
    .login {
      display: grid;
      gap: 14px;
      width: min(22rem, calc(100% - 32px));
      margin: 12vh auto 0;
      padding: 24px;
      border: 1px solid var(--border);
      border-radius: 8px;
      background: var(--bg-elev);
      box-shadow: var(--shadow);
    }
    .login__title {
      margin: 0 0 4px;
      font-size: 18px;
      font-weight: 600;
    }
    .login__field {
      display: grid;
      gap: 4px;
    }
    .login__input {
      height: 34px;
      font-size: 14px;
    }
    .login__error {
      margin: 0;
      padding: 6px 8px;
      border-radius: 6px;
      background: var(--danger-bg);
      color: var(--danger);
      font-size: 13px;
    }
    .login__submit {
      justify-content: center;
      height: 34px;
    }
  `,
})
export class LoginPageComponent {
  private readonly auth = inject(LoginService);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);

  protected async submit(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const user = (form.elements.namedItem('user') as HTMLInputElement).value;
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    this.busy.set(true);
    this.error.set(await this.auth.login(user, password));
    this.busy.set(false);
  }
}

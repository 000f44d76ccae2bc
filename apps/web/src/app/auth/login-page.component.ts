import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { LoginService } from './login.service';

/** `/login`: user and password for `AUTH_MODE=users`. */
@Component({
  selector: 'flo-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="login" (submit)="submit($event)" aria-labelledby="login-title">
      <h1 id="login-title">Sign in to Flotilla</h1>
      <label>User <input name="user" autocomplete="username" required /></label>
      <label>
        Password
        <input name="password" type="password" autocomplete="current-password" required />
      </label>
      @if (error(); as message) {
        <p class="login-error" role="alert">{{ message }}</p>
      }
      <button type="submit" [disabled]="busy()">Sign in</button>
    </form>
  `,
  styles: `
    .login {
      display: grid;
      gap: 0.75rem;
      max-width: 20rem;
      margin: 4rem auto;
    }
    .login label {
      display: grid;
      gap: 0.25rem;
    }
    .login-error {
      color: var(--danger, #c62828);
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

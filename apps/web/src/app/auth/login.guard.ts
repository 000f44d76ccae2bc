import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { LoginService } from './login.service';

/** `/login` is offered only where logins are used; elsewhere it leads to the fleet. */
export const loginOfferedGuard: CanActivateFn = async () => {
  const router = inject(Router);
  return (await inject(LoginService).loginsUsed()) || router.parseUrl('/');
};

import {
  type ApplicationConfig,
  ErrorHandler,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { routes } from './app.routes';
import { LoginService } from './auth/login.service';
import { AppErrorHandler } from './core/app-error-handler';
import { provideFlotillaSocket } from './core/socket/socket.provider';
import { ContainerActionsService } from './fleet/container-actions.service';
import { FleetStore } from './fleet/fleet.store';

export const appConfig: ApplicationConfig = {
  providers: [
    provideZonelessChangeDetection(),
    provideBrowserGlobalErrorListeners(),
    { provide: ErrorHandler, useClass: AppErrorHandler },
    provideRouter(routes, withComponentInputBinding()),
    provideFlotillaSocket(),
    // Listen from the first moment: `initial_state` follows the connection at once, and other
    // people's actions are news on every page.
    provideAppInitializer(() => {
      inject(LoginService).watch();
      inject(FleetStore);
      inject(ContainerActionsService);
    }),
  ],
};

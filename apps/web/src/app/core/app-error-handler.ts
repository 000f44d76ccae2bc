import { ErrorHandler, Injectable, inject } from '@angular/core';
import { NotificationService } from './notifications/notification.service';

/**
 * The one place an unexpected error ends: the framework's handler keeps the stack for the
 * console, the user gets a notice instead of a silently broken page.
 */
@Injectable()
export class AppErrorHandler extends ErrorHandler {
  private readonly notifications = inject(NotificationService);

  override handleError(error: unknown): void {
    super.handleError(error);
    this.notifications.showNotification({
      type: 'error',
      message: 'Something went wrong in the dashboard',
      detail: error instanceof Error ? error.message : undefined,
      key: 'unexpected-error',
    });
  }
}

import { Injectable, signal } from '@angular/core';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  /** Styles the confirm button as destructive. */
  danger?: boolean;
}

interface OpenRequest extends ConfirmRequest {
  resolve: (ok: boolean) => void;
}

/** Asks the user to confirm; the shell's dialog shows the question. One question at a time. */
@Injectable({ providedIn: 'root' })
export class ConfirmService {
  private readonly current = signal<OpenRequest | null>(null);
  readonly request = this.current.asReadonly();

  ask(request: ConfirmRequest): Promise<boolean> {
    this.current()?.resolve(false);
    return new Promise<boolean>((resolve) => {
      this.current.set({ ...request, resolve });
    });
  }

  answer(ok: boolean): void {
    const open = this.current();
    if (!open) return;
    this.current.set(null);
    open.resolve(ok);
  }
}

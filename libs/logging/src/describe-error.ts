/**
 * One readable line for any thrown value, for logs and for errors people read: the message a
 * server put in its JSON answer when there is one (Docker's API does), else the error's own
 * message; whitespace collapsed, never a stack, at most 500 characters.
 */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const json = (error as { json?: unknown }).json;
    const fromServer =
      typeof json === 'object' &&
      json !== null &&
      typeof (json as { message?: unknown }).message === 'string'
        ? (json as { message: string }).message
        : undefined;
    text = fromServer ?? error.message;
  } else {
    text = String(error);
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}

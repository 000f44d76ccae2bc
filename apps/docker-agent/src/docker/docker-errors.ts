/** Docker's HTTP status of a failed call (dockerode puts it on the error), if any. */
export function dockerStatusCode(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'statusCode' in error) {
    const code = error.statusCode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

export function isNotFound(error: unknown): boolean {
  return dockerStatusCode(error) === 404;
}

/** One readable line: Docker's own message when it gave one, never a stack. */
export function describeError(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const json = (error as { json?: unknown }).json;
    const fromDocker =
      typeof json === 'object' &&
      json !== null &&
      typeof (json as { message?: unknown }).message === 'string'
        ? (json as { message: string }).message
        : undefined;
    text = fromDocker ?? error.message;
  } else {
    text = String(error);
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}

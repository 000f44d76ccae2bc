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

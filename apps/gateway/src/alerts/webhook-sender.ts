/** How one POST to a webhook ended. */
export interface WebhookAttempt {
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  error: string | null;
}

/**
 * POSTs JSON to a webhook. Redirects are not followed (a receiver cannot send the POST on to an
 * address the admin did not write), the answer's body is not read, and every attempt ends within
 * `timeoutMs` or is abandoned.
 */
export async function postWebhook(
  url: string,
  body: unknown,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<WebhookAttempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'flotilla-alerts' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
    });
    await res.body?.cancel();
    const ok = res.status >= 200 && res.status < 300;
    return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (error: unknown) {
    const timedOut = timeout.aborted;
    return {
      ok: false,
      error: timedOut ? `no answer within ${timeoutMs} ms` : describeFailure(error),
    };
  }
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND…). */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const reason = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : '';
  return (reason ? `${error.message}: ${reason}` : error.message).slice(0, 200);
}

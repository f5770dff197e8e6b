/** Retrying cannot help (bad request to the IdP, SMTP 5xx): the job goes straight to the dead letters. */
export class PermanentError extends Error {
  override name = "PermanentError";
}

/** The other side asked us to come back later (HTTP 429 + Retry-After); not counted as an attempt. */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

const defaultRetryAfterMs = 30_000;

/** Response headers read by name: fetch's Headers, or a reader over another client's header object. */
export type ResponseHeaders = Pick<Headers, "get">;

/**
 * How long the other side asked us to wait (HTTP 429): Retry-After is either delta-seconds or an
 * HTTP-date (RFC 9110 §10.2.3); some vendors (Beyond Identity) send only the draft RateLimit-Reset
 * seconds, so that is the fallback; 30 s when neither is there or readable.
 */
export function retryAfterMs(headers: ResponseHeaders, now: number = Date.now()): number {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1_000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const reset = headers.get("ratelimit-reset")?.trim();
  if (reset && /^\d+$/.test(reset)) return Number(reset) * 1_000;
  return defaultRetryAfterMs;
}

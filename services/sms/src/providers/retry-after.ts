// A copy of the provisioner's Retry-After reading (services/provisioner/src/adapters/http.ts):
// services do not import each other.

const defaultRetryAfterMs = 30_000;

/** Retry-After is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3); 30 s when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1_000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return defaultRetryAfterMs;
}

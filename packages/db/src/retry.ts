/**
 * Errors that say "the connection or the server went away", not "your statement is wrong": the
 * transaction was rolled back (or never began), so running it again is safe. A commit whose answer
 * was lost is the one case where it ran; every caller of this is idempotent enough for that (a
 * repeated sign-up lands on the same account, a spent token answers as spent).
 */
const transient = new Set([
  "57P01", // admin_shutdown: pg_terminate_backend, a restart
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the server is starting
  "08000",
  "08003",
  "08006",
  "08001",
  "08004", // connection exceptions
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
]);

export function isTransientDbError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && transient.has(code)) return true;
  }
  return false;
}

/** Runs `work` again, a bounded number of times with a short backoff, when the database dropped it. */
export async function retryTransient<T>(work: () => Promise<T>, options: { attempts?: number; delayMs?: number } = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isTransientDbError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, (options.delayMs ?? 50) * attempt));
    }
  }
}

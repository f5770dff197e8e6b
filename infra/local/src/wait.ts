/** Polls until check() resolves truthy or the deadline passes. */
export async function waitUntil<T>(check: () => Promise<T | undefined | false>, options: { timeoutMs: number; intervalMs?: number; what: string }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
  throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${lastError ? `: ${(lastError as Error).message}` : ""}`);
}

/** Retrying cannot help (bad request to the IdP, SMTP 5xx): the job goes straight to the dead letters. */
export class PermanentError extends Error {
  override name = "PermanentError";
}

/** The other side asked us to come back later (HTTP 429 + Retry-After); not counted as an attempt. */
export class RetryLaterError extends Error {
  override name = "RetryLaterError";
  constructor(message: string, readonly delayMs: number) {
    super(message);
  }
}

/** One text message; `to` is E.164. */
export type SmsMessage = { to: string; body: string };

/**
 * An SMS provider behind the same error taxonomy as the IdP adapters: PermanentError (dead letter
 * at once), RetryLaterError (rate limited; not an attempt), any other Error (retried with backoff).
 * Error messages never carry the number or the body: they are stored with the failed job.
 */
export type SmsProvider = {
  name: string;
  /** Resolves with the provider's message id once the provider has accepted the message. */
  send(message: SmsMessage): Promise<{ id: string }>;
};

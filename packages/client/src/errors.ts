import type { FieldError } from "./types.ts";

/**
 * The API's codes from the contract, plus the SDK's own. Kept open (`string & {}`) so a code the
 * API adds later still type-checks while editors keep suggesting the known ones.
 */
export type SignUpErrorCode =
  | "validation_failed"
  | "redirect_url_not_allowed"
  | "username_taken"
  | "rate_limited"
  | "invalid_json"
  | "not_found"
  | "verification_failed"
  | "verification_expired"
  | "too_many_attempts"
  | "network_error"
  | "unexpected_response"
  | "no_sign_up"
  | "sign_up_abandoned"
  | "magic_link_cancelled"
  | "magic_link_paused"
  | (string & {});

export type SignUpErrorInit = {
  code: SignUpErrorCode;
  message: string;
  /** HTTP status, or 0 when no answer came (network error) or no request was made. */
  status?: number;
  fields?: FieldError[];
  /** From Retry-After on a 429, when the API sent one. */
  retryAfterSeconds?: number | null;
  cause?: unknown;
};

export class SignUpError extends Error {
  readonly code: SignUpErrorCode;
  readonly status: number;
  readonly fields: FieldError[];
  readonly retryAfterSeconds: number | null;

  constructor(init: SignUpErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    // Transpiling to ES5 or through some bundlers breaks the prototype chain of Error subclasses;
    // setting it keeps `instanceof SignUpError` true wherever the bundle ends up.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "SignUpError";
    this.code = init.code;
    this.status = init.status ?? 0;
    this.fields = init.fields ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }
}

export function isSignUpError(value: unknown): value is SignUpError {
  return value instanceof SignUpError;
}

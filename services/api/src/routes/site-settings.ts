import type { FastifyRequest } from "fastify";
import type { SignupFields } from "../account/signup-fields.ts";
import type { AfterVerify } from "../account/redirects.ts";
import type { FieldError } from "../http-error.ts";

/** SIGNUP_METADATA_SCHEMA as a function: a valid object, or the field errors to answer with. */
export type MetadataValidator = (value: unknown) => { ok: true; value: Record<string, unknown> } | { ok: false; errors: FieldError[] };

/** What the public routes and pages need to know about this instance. */
export type SiteSettings = {
  productName: string;
  appUrl: string;
  fields: SignupFields;
  resendCooldownMs: number;
  /** Public POSTs per client IP per minute (register, verify, resend); 0 turns the limit off. */
  rateLimitPerMinute: number;
  /** Lifetime of a verification link and code (VERIFY_TOKEN_TTL). */
  tokenTtlMs: number;
  /** PUBLIC_URL: the issuer of completion tokens. */
  publicUrl: string;
  /** Origins a sign-up's redirectUrl may point at (REDIRECT_ALLOWLIST). */
  redirectAllowlist: readonly string[];
  afterVerify: AfterVerify;
  validateMetadata: MetadataValidator;
  /** Lifetime of an SMS code (PHONE_CODE_TTL). */
  phoneCodeTtlMs: number;
  /** SMS per phone number per day, whoever asks (SMS_DAILY_BUDGET). */
  smsDailyBudget: number;
  /** The front-end's sign-up page: invite tickets link there (SIGNUP_URL). */
  signupUrl: string;
};

/** Route options that apply the per-IP limit to a public POST. */
export function publicPostLimit(site: SiteSettings) {
  return site.rateLimitPerMinute > 0 ? { config: { rateLimit: { max: site.rateLimitPerMinute, timeWindow: 60_000 } } } : {};
}

/** A browser's plain form post (no JavaScript): answer with pages and redirects, not JSON. */
export function isFormPost(request: FastifyRequest): boolean {
  return (request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
}

/** Form fields arrive as strings, empty when left blank: blank means "not given". */
export function formBody(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (typeof value === "string" && value.trim() !== "") out[key] = value;
  }
  return out;
}

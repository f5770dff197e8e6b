// The wire shapes of /tmp/signup-contract.md ("Sign-up resource: HTTP contract"), plus the few
// platform shapes the SDK touches. Declared locally so the SDK type-checks without the DOM lib.

export type VerificationStrategy = "email_link" | "email_code" | "phone_code";
export type VerificationStatus = "unverified" | "verified" | "expired" | "failed";
export type SignUpStatus = "missing_requirements" | "complete" | "abandoned";

export type Verification = {
  status: VerificationStatus;
  strategy: VerificationStrategy;
  attempts: number;
  expireAt: string | null;
};

export type SignUp = {
  id: string;
  status: SignUpStatus;
  /** Clerk names: "email_address", "phone_number", "username", "first_name", "last_name", "password". */
  requiredFields: string[];
  optionalFields: string[];
  missingFields: string[];
  unverifiedFields: string[];
  verifications: { emailAddress: Verification | null; phoneNumber: Verification | null };
  emailAddress: string | null;
  phoneNumber: string | null;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  hasPassword: boolean;
  unsafeMetadata: Record<string, unknown>;
  createdUserId: string | null;
  /** ES256 JWT, set when status is "complete"; lives 5 minutes and is minted anew on each read. */
  completionToken: string | null;
  abandonAt: string | null;
  createdAt: string;
};

/** Body of create and update (update sends any subset). */
export type SignUpParams = {
  emailAddress?: string;
  password?: string;
  username?: string;
  firstName?: string;
  lastName?: string;
  /** International form ("+44 20 7946 0958"); the API stores it as E.164. */
  phoneNumber?: string;
  unsafeMetadata?: Record<string, unknown>;
  redirectUrl?: string;
};

/** Create also takes an invite's ticket (Clerk's "ticket" strategy): it supplies and proves the address. */
export type CreateSignUpParams = SignUpParams & { strategy?: "ticket"; ticket?: string };

export type PrepareVerificationParams = { strategy: VerificationStrategy; redirectUrl?: string };
export type AttemptVerificationParams = { strategy: "email_code" | "phone_code"; code: string };

export type FieldError = { field: string; code: string; message: string };

/** What the SDK reads from a fetch answer; the platform's Response satisfies it. */
export type ResponseLike = {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
};

export type FetchInit = {
  method: string;
  headers: Record<string, string>;
  body?: string;
  credentials: "omit";
};

/** The platform's fetch (browser, Node 20+) satisfies this narrower signature. */
export type FetchLike = (url: string, init: FetchInit) => Promise<ResponseLike>;

/** The part of Web Storage (sessionStorage, localStorage) the SDK uses. */
export type StorageLike = {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

export type ClientOptions = {
  /** The API base, e.g. "http://localhost:3000"; a trailing slash is fine. */
  baseUrl: string;
  /** Defaults to globalThis.fetch. */
  fetch?: FetchLike;
  /** When given, the sign-up's id and client token survive a page load (key "signup-pipeline:sign-up"). */
  storage?: StorageLike;
};

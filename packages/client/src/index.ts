// The public surface of @signup/client; everything else in src/ is internal.
export { createSignUpClient, type SignUpClient } from "./client.ts";
export { SignUpError, isSignUpError, type SignUpErrorCode, type SignUpErrorInit } from "./errors.ts";
export { createMagicLinkFlow, type MagicLinkFlow, type MagicLinkSignUp, type StartMagicLinkFlowParams } from "./magic-link.ts";
export { MAGIC_LINK_DEFAULTS, type MagicLinkOptions } from "./magic-link-options.ts";
export { STORAGE_KEY } from "./session-store.ts";
export type { SignUpResource } from "./sign-up.ts";
export type {
  AttemptVerificationParams,
  ClientOptions,
  CreateSignUpParams,
  FetchInit,
  FetchLike,
  FieldError,
  PrepareVerificationParams,
  ResponseLike,
  SignUp,
  SignUpParams,
  SignUpStatus,
  StorageLike,
  Verification,
  VerificationStatus,
  VerificationStrategy,
} from "./types.ts";
